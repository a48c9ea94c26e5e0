// Node drives real Chromium pages (Playwright): the device binding survives a page reload
// and a new tab, a handshake and a signed request made in the page verify in the Node server
// module, private keys on disk stay non-extractable, and two origins never share keys.

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryReplayCache, verifyHandshake, verifyRequest } from '../../../src/server/index.js';
import { callHarness, launchChromium, openHarness } from './harness/chromium-session.js';
import { type HarnessServers, startHarnessServers } from './harness/harness-server.js';

const NAMESPACE = 'com.example.web';

let browser: Browser;
let servers: HarnessServers;
let context: BrowserContext;
let page: Page;

function originA(): string {
  return servers.origins[0]!;
}

function originB(): string {
  return servers.origins[1]!;
}

function nonce(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

beforeAll(async () => {
  servers = await startHarnessServers(2);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await servers?.close();
});

beforeEach(async () => {
  // A fresh context is a fresh profile: no IndexedDB from earlier tests.
  context = await browser.newContext();
  page = await context.newPage();
  await openHarness(page, `${originA()}/`);
});

afterEach(async () => {
  await context?.close();
});

describe('binding survives reloads', () => {
  it('has the same device id after a page reload', async () => {
    const deviceId = await callHarness(page, 'ensureKeys', NAMESPACE);
    await page.reload();
    await openHarness(page, `${originA()}/`);
    expect(await callHarness(page, 'deviceId', NAMESPACE)).toBe(deviceId);
  });

  it('has the same device id in a new tab of the same profile after the first one closed', async () => {
    const deviceId = await callHarness(page, 'ensureKeys', NAMESPACE);
    await page.close();
    const tab = await context.newPage();
    await openHarness(tab, `${originA()}/`);
    expect(await callHarness(tab, 'deviceId', NAMESPACE)).toBe(deviceId);
  });

  it('signs after a reload with the key the server registered before it', async () => {
    const serverNonce = nonce();
    const handshake = await callHarness(page, 'handshake', NAMESPACE, serverNonce);
    const registered = await verifyHandshake(handshake.token, { expectedNonce: serverNonce });
    expect(registered.deviceId).toBe(handshake.deviceId);

    await page.reload();
    await openHarness(page, `${originA()}/`);
    const url = 'https://api.example.com/v1/orders';
    const body = '{"order":42}';
    const headers = await callHarness(page, 'signRequest', NAMESPACE, {
      method: 'POST',
      url,
      body,
      accessToken: 'at-1',
    });
    const verified = await verifyRequest(
      { method: 'POST', url, headers: { ...headers, Authorization: 'DPoP at-1' }, body },
      {
        replayCache: new MemoryReplayCache(),
        signingKey: registered.signingKey,
        accessToken: 'at-1',
      },
    );
    expect(verified.deviceId).toBe(handshake.deviceId);
  });

  it('keeps the private keys non-extractable CryptoKeys in IndexedDB across a reload', async () => {
    await callHarness(page, 'ensureKeys', NAMESPACE);
    await page.reload();
    await openHarness(page, `${originA()}/`);
    const { keys } = await callHarness(page, 'storedKeys');
    const privateKeys = keys.filter((key) => key.type === 'private');
    expect(privateKeys.map((key) => key.recordKey).sort()).toEqual([
      `${NAMESPACE}.encryption`,
      `${NAMESPACE}.signing`,
    ]);
    for (const key of privateKeys) {
      expect(key.extractable, key.recordKey).toBe(false);
      expect(key.exportRefused, key.recordKey).toBe(true);
    }
  });
});

describe('origins do not share keys', () => {
  it('gives another origin (another port) no keys and no databases of the first', async () => {
    const deviceA = await callHarness(page, 'ensureKeys', NAMESPACE);
    const other = await context.newPage();
    await openHarness(other, `${originB()}/`);
    expect(await callHarness(other, 'deviceId', NAMESPACE)).toBeNull();
    expect(await callHarness(other, 'aliases')).toEqual([]);
    expect((await callHarness(other, 'storedKeys')).keys).toEqual([]);

    const deviceB = await callHarness(other, 'ensureKeys', NAMESPACE);
    expect(deviceB).not.toBe(deviceA);
    expect(await callHarness(page, 'deviceId', NAMESPACE)).toBe(deviceA);
  });

  it('gives localhost and 127.0.0.1 on the same port separate keys', async () => {
    const deviceA = await callHarness(page, 'ensureKeys', NAMESPACE);
    const other = await context.newPage();
    await openHarness(other, `${originA().replace('127.0.0.1', 'localhost')}/`);
    expect(await callHarness(other, 'deviceId', NAMESPACE)).toBeNull();
    const deviceB = await callHarness(other, 'ensureKeys', NAMESPACE);
    expect(deviceB).not.toBe(deviceA);
  });

  it('gives another browser profile on the same origin no keys', async () => {
    await callHarness(page, 'ensureKeys', NAMESPACE);
    const otherProfile = await browser.newContext();
    try {
      const other = await otherProfile.newPage();
      await openHarness(other, `${originA()}/`);
      expect(await callHarness(other, 'deviceId', NAMESPACE)).toBeNull();
    } finally {
      await otherProfile.close();
    }
  });

  it('rejects a proof made on another origin for the device registered on the first', async () => {
    const serverNonce = nonce();
    const handshake = await callHarness(page, 'handshake', NAMESPACE, serverNonce);
    const registered = await verifyHandshake(handshake.token, { expectedNonce: serverNonce });
    const other = await context.newPage();
    await openHarness(other, `${originB()}/`);
    await callHarness(other, 'ensureKeys', NAMESPACE);
    const url = 'https://api.example.com/v1/orders';
    const headers = await callHarness(other, 'signRequest', NAMESPACE, { method: 'GET', url });
    await expect(
      verifyRequest(
        { method: 'GET', url, headers },
        { replayCache: new MemoryReplayCache(), signingKey: registered.signingKey },
      ),
    ).rejects.toMatchObject({
      code: 'INVALID_PROOF',
    });
  });
});
