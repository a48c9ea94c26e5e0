// Launches Debian's Chromium through playwright-core (headless, container-safe flags) for
// the tests that drive pages from Node.

import { type Browser, chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../../setup/chromium.js';
import type { Harness } from './harness-page.js';

/** Starts a headless Chromium; throws when this machine has none. */
export function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (executablePath === undefined)
    throw new Error('no Chromium: set CHROMIUM_PATH or install /usr/bin/chromium');
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
}

/** Opens `url` in `page` and waits until the harness script has loaded. */
export async function openHarness(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
}

type HarnessMethod = keyof Harness;

/** Calls `window.harness[method](...args)` in the page and returns its result. */
export function callHarness<M extends HarnessMethod>(
  page: Page,
  method: M,
  ...args: Parameters<Harness[M]>
): Promise<Awaited<ReturnType<Harness[M]>>> {
  return page.evaluate(
    ([name, values]) => {
      const fn = window.harness[name] as (...input: unknown[]) => unknown;
      return fn(...values);
    },
    [method, args] as const,
  ) as Promise<Awaited<ReturnType<Harness[M]>>>;
}
