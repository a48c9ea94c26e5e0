// Keeps examples/browser from rotting: starts its server (which bundles the page script from
// the built package) and clicks through it in Chromium the way a person would.

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './harness/chromium-session.js';

const serverScript = fileURLToPath(
  new URL('../../../examples/browser/server.mjs', import.meta.url),
);

let server: ChildProcess;
let url: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

function startServer(): Promise<string> {
  return new Promise((resolve, reject) => {
    server = spawn(process.execPath, [serverScript], {
      env: { ...process.env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    };
    server.stdout?.on('data', onData);
    server.stderr?.on('data', onData);
    server.once('exit', (code) =>
      reject(new Error(`the example server exited (${code}) before listening:\n${output}`)),
    );
  });
}

async function text(id: string): Promise<string> {
  return (await page.locator(`#${id}`).textContent()) ?? '';
}

beforeAll(async () => {
  url = await startServer();
  browser = await launchChromium();
  context = await browser.newContext();
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
});

afterAll(async () => {
  await browser?.close();
  server?.kill();
});

// The steps build on each other, in order, as a person would click through the page.
describe('examples/browser, clicked through in Chromium', () => {
  it('refuses a wrong password', async () => {
    await page.fill('#password', 'not the password');
    await page.click('#sign-in');
    await expect
      .poll(() => text('status'))
      .toContain('Sign-in refused: wrong username or password');
  });

  it('signs in with a handshake and shows the device id', async () => {
    await page.fill('#password', 'correct horse battery staple');
    await page.click('#sign-in');
    await expect
      .poll(() => text('status'))
      .toMatch(/Signed in as alice\. This browser is device [A-Za-z0-9_-]{43}\./);
  });

  it('loads the profile with a signed request', async () => {
    await page.click('#call-api');
    await expect.poll(() => text('api-result')).toContain('"username": "alice"');
    const deviceId = /device ([A-Za-z0-9_-]{43})/.exec(await text('status'))?.[1];
    expect(await text('api-result')).toContain(`"deviceId": "${deviceId}"`);
  });

  it('saves a note with a signed body', async () => {
    await page.click('#post-note');
    await expect.poll(() => text('api-result')).toContain('"bodyDigestChecked": true');
  });

  it('shows that replaying the last request is refused', async () => {
    await page.click('#replay');
    await expect.poll(() => text('api-result')).toMatch(/Replay refused \(401\): REPLAYED/);
  });

  it('opens the protected file with the device key', async () => {
    await page.click('#open-file');
    await expect
      .poll(() => text('file-result'))
      .toContain('encrypted on the server for this browser only');
  });

  it('is still bound to the same device after a reload', async () => {
    const before = /device ([A-Za-z0-9_-]{43})/.exec(await text('status'))?.[1];
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    await expect.poll(() => text('status')).toContain(`device ${before}`);
    await page.click('#call-api');
    await expect.poll(() => text('api-result')).toContain('"username": "alice"');
  });

  it('signs out and forgets the device', async () => {
    await page.click('#sign-out');
    await expect.poll(() => text('status')).toContain('Signed out');
    expect(await page.locator('#call-api').isDisabled()).toBe(true);
  });

  it('ran without a page error', () => {
    expect(pageErrors).toEqual([]);
  });
});
