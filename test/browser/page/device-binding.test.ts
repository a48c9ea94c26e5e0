// DeviceBinding over WebCryptoKeyStore in real Chromium, checked by the Node server module:
// handshakes and signed requests made in the page verify on the server, the identity
// survives a new binding and store on the same database, and forged or replayed requests fail.

import { afterEach, describe, expect, it } from 'vitest';
import { DeviceBinding } from '../../../src/index.js';
import { WebCryptoKeyStore } from '../../../src/keystores/webcrypto/index.js';
import { deleteDatabase, inspectIndexedDb } from '../shared/indexeddb-inspect.js';
import { expectOk, verifyHandshakeOnServer, verifyRequestOnServer } from './server.js';

const databases: string[] = [];
const API = 'https://api.example.com/v1/items';

function bindingOn(databaseName: string, namespace = 'com.example.web'): DeviceBinding {
  return new DeviceBinding({ keyStore: new WebCryptoKeyStore({ databaseName }), namespace });
}

function freshBinding(namespace?: string): { binding: DeviceBinding; databaseName: string } {
  const databaseName = `devicebind-test-${crypto.randomUUID()}`;
  databases.push(databaseName);
  return { binding: bindingOn(databaseName, namespace), databaseName };
}

function randomNonce(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

afterEach(async () => {
  for (const name of databases.splice(0)) await deleteDatabase(name);
});

describe('DeviceBinding in Chromium', () => {
  it('keeps its keys as non-extractable CryptoKeys in IndexedDB', async () => {
    const { binding, databaseName } = freshBinding();
    await binding.ensureKeys();
    const report = await inspectIndexedDb(databaseName);
    const privateKeys = report.keys.filter((found) => found.type === 'private');
    expect(privateKeys).toHaveLength(2);
    expect(privateKeys.every((found) => found.extractable === false)).toBe(true);
  });

  it('has the same device id through a new binding and store on the same database', async () => {
    const { binding, databaseName } = freshBinding();
    const { deviceId } = await binding.ensureKeys();
    const reopened = bindingOn(databaseName);
    expect(await reopened.getDeviceId()).toBe(deviceId);
    expect((await reopened.ensureKeys()).created).toBe(false);
  });

  it('makes a handshake that verifies in the Node server module', async () => {
    const { binding } = freshBinding();
    const nonce = randomNonce();
    const handshake = await binding.createHandshake({ nonce, subject: 'alice' });
    const verified = expectOk(await verifyHandshakeOnServer(handshake.token, nonce));
    expect(verified.deviceId).toBe(handshake.deviceId);
    expect(verified.deviceId).toBe(await binding.getDeviceId());
    expect(verified.signingKey).toMatchObject(
      handshake.signingKey as unknown as Record<string, unknown>,
    );
    expect(verified.subject).toBe('alice');
  });

  it('signs a request with a body and a token that verifies in the Node server module', async () => {
    const { binding } = freshBinding();
    const nonce = randomNonce();
    const handshake = await binding.createHandshake({ nonce });
    const { signingKey } = expectOk(await verifyHandshakeOnServer(handshake.token, nonce));
    const body = JSON.stringify({ item: 'book', quantity: 2 });
    const headers = await binding.signRequest({
      method: 'POST',
      url: API,
      body,
      accessToken: 'token-123',
    });
    const verified = expectOk(
      await verifyRequestOnServer(
        {
          method: 'POST',
          url: API,
          headers: { ...headers, Authorization: 'DPoP token-123' } as Record<string, string>,
          body,
        },
        { signingKey, accessToken: 'token-123' },
      ),
    );
    expect(verified.deviceId).toBe(handshake.deviceId);
  });

  it('verifies after the binding is rebuilt on the same database, with the key registered before', async () => {
    const { binding, databaseName } = freshBinding();
    const nonce = randomNonce();
    const { signingKey } = expectOk(
      await verifyHandshakeOnServer((await binding.createHandshake({ nonce })).token, nonce),
    );
    const later = bindingOn(databaseName);
    const headers = await later.signRequest({ method: 'GET', url: API });
    const verified = expectOk(
      await verifyRequestOnServer(
        { method: 'GET', url: API, headers: headers as Record<string, string> },
        { signingKey },
      ),
    );
    expect(verified.deviceId).toBe(await binding.getDeviceId());
  });

  it('rejects a handshake whose nonce is not the one the server issued', async () => {
    const { binding } = freshBinding();
    const handshake = await binding.createHandshake({ nonce: randomNonce() });
    const outcome = await verifyHandshakeOnServer(handshake.token, randomNonce());
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.code).toBe('INVALID_HANDSHAKE');
  });

  it('rejects a signed request whose body was changed on the way', async () => {
    const { binding } = freshBinding();
    const nonce = randomNonce();
    const { signingKey } = expectOk(
      await verifyHandshakeOnServer((await binding.createHandshake({ nonce })).token, nonce),
    );
    const headers = await binding.signRequest({ method: 'POST', url: API, body: '{"amount":1}' });
    const outcome = await verifyRequestOnServer(
      {
        method: 'POST',
        url: API,
        headers: headers as Record<string, string>,
        body: '{"amount":1000}',
      },
      { signingKey },
    );
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.code).toBe('INVALID_PROOF');
  });

  it('rejects a proof from another browser profile presented for this device', async () => {
    const { binding } = freshBinding();
    const { binding: thief } = freshBinding();
    await thief.ensureKeys();
    const nonce = randomNonce();
    const { signingKey } = expectOk(
      await verifyHandshakeOnServer((await binding.createHandshake({ nonce })).token, nonce),
    );
    const headers = await thief.signRequest({
      method: 'GET',
      url: API,
      accessToken: 'stolen-token',
    });
    const outcome = await verifyRequestOnServer(
      {
        method: 'GET',
        url: API,
        headers: { ...headers, Authorization: 'DPoP stolen-token' } as Record<string, string>,
      },
      { signingKey, accessToken: 'stolen-token' },
    );
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.code).toBe('INVALID_PROOF');
  });

  it('rejects the same signed request sent twice', async () => {
    const { binding } = freshBinding();
    const nonce = randomNonce();
    const { signingKey } = expectOk(
      await verifyHandshakeOnServer((await binding.createHandshake({ nonce })).token, nonce),
    );
    const headers = (await binding.signRequest({ method: 'GET', url: API })) as Record<
      string,
      string
    >;
    const replayCacheName = crypto.randomUUID();
    expectOk(
      await verifyRequestOnServer(
        { method: 'GET', url: API, headers },
        { signingKey, replayCacheName },
      ),
    );
    const replay = await verifyRequestOnServer(
      { method: 'GET', url: API, headers },
      { signingKey, replayCacheName },
    );
    expect(replay.ok).toBe(false);
    expect(!replay.ok && replay.code).toBe('REPLAYED');
  });

  it('rejects a proof made for another URL', async () => {
    const { binding } = freshBinding();
    const nonce = randomNonce();
    const { signingKey } = expectOk(
      await verifyHandshakeOnServer((await binding.createHandshake({ nonce })).token, nonce),
    );
    const headers = (await binding.signRequest({ method: 'GET', url: API })) as Record<
      string,
      string
    >;
    const outcome = await verifyRequestOnServer(
      { method: 'GET', url: 'https://api.example.com/v1/admin', headers },
      { signingKey },
    );
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.code).toBe('INVALID_PROOF');
  });

  it('forgets the device on unbind: the keys leave IndexedDB and the id is gone', async () => {
    const { binding, databaseName } = freshBinding();
    await binding.ensureKeys();
    await binding.unbind();
    expect(await binding.getDeviceId()).toBeNull();
    expect((await inspectIndexedDb(databaseName)).keys).toEqual([]);
  });
});
