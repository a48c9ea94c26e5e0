// Key rotation in real Chromium, keys in IndexedDB: the token verifies in the Node server
// module, the new keys are current for a binding rebuilt on the same database, the previous
// keys stay non-extractable until forgotten, and a rotation killed before or after any write
// (or around the server's answer) comes up whole and recovers with the documented sequence.

import { afterEach, describe, expect, it } from 'vitest';
import { openEnvelope, seal, unseal } from '../../../src/envelopes.js';
import { DeviceBinding, type KeyStore } from '../../../src/index.js';
import { WebCryptoKeyStore } from '../../../src/keystores/webcrypto/index.js';
import { forgetPreviousKeys, previousKeys, rotateKeys } from '../../../src/rotation.js';
import { type DeathPoint, dyingStore } from '../../helpers/dying-store.js';
import {
  migrateAndForget,
  type RotationEndpoint,
  startUp,
} from '../../helpers/rotation-start-up.js';
import { deleteDatabase, inspectIndexedDb } from '../shared/indexeddb-inspect.js';
import {
  expectOk,
  sealEnvelopeOnServer,
  verifyHandshakeOnServer,
  verifyRequestOnServer,
  verifyRotationOnServer,
} from './server.js';

const NS = 'com.example.web';
const API = 'https://api.example.com/me';
const secret = new TextEncoder().encode('refresh token');
const databases: string[] = [];

afterEach(async () => {
  for (const name of databases.splice(0)) await deleteDatabase(name);
});

function newDatabase(): string {
  const name = `devicebind-rotation-${crypto.randomUUID()}`;
  databases.push(name);
  return name;
}

function bindingOver(keyStore: KeyStore): DeviceBinding {
  return new DeviceBinding({ keyStore, namespace: NS });
}

const storeOn = (databaseName: string) => new WebCryptoKeyStore({ databaseName });

interface Device {
  deviceId: string;
  signingKey: Record<string, unknown>;
}

/** The server of docs/server-integration.md, its checks run in Node through commands. */
class Server implements RotationEndpoint {
  device: (Device & { previous?: Device }) | undefined;
  #nonce = '';

  issueNonce(): string {
    this.#nonce = crypto.randomUUID();
    return this.#nonce;
  }

  async signIn(token: string): Promise<void> {
    const { deviceId, signingKey } = expectOk(await verifyHandshakeOnServer(token, this.#nonce));
    this.device = { deviceId, signingKey };
  }

  async rotate(token: string, sessionDeviceId: string): Promise<number> {
    const device = this.device!;
    const retry = device.previous?.deviceId === sessionDeviceId;
    if (!retry && sessionDeviceId !== device.deviceId) return 401;
    const current = retry ? device.previous!.signingKey : device.signingKey;
    const outcome = await verifyRotationOnServer(token, current, this.#nonce);
    if (!outcome.ok) return 400;
    if (retry) return outcome.value.deviceId === device.deviceId ? 200 : 409;
    const { deviceId, signingKey } = outcome.value;
    this.device = { deviceId, signingKey, previous: device };
    return 200;
  }

  async accepts(binding: DeviceBinding): Promise<boolean> {
    const headers = await binding.signRequest({ method: 'GET', url: API });
    const outcome = await verifyRequestOnServer(
      { method: 'GET', url: API, headers: headers as Record<string, string> },
      { signingKey: this.device!.signingKey },
    );
    if (outcome.ok) delete this.device!.previous;
    return outcome.ok;
  }
}

async function signedIn() {
  const databaseName = newDatabase();
  const server = new Server();
  const binding = bindingOver(storeOn(databaseName));
  await server.signIn((await binding.createHandshake({ nonce: server.issueNonce() })).token);
  const keys = await binding.ensureKeys();
  const data = { sealed: await seal(binding, secret, { context: 'rt' }) };
  return { databaseName, server, binding, keys, data };
}

describe('rotation in Chromium with IndexedDB', () => {
  it('verifies in the Node server module and moves a rebuilt binding to the new keys', async () => {
    const { databaseName, server, binding, keys, data } = await signedIn();
    const envelope = expectOk(
      await sealEnvelopeOnServer('cached file', keys.encryptionKey.publicKey),
    );
    const rotation = await rotateKeys(binding, { nonce: server.issueNonce() });
    expect(await server.rotate(rotation.token, keys.deviceId)).toBe(200);
    expect(server.device?.deviceId).toBe(rotation.deviceId);
    await rotation.commit();

    const reloaded = bindingOver(storeOn(databaseName));
    expect(await reloaded.getDeviceId()).toBe(rotation.deviceId);
    expect(await server.accepts(reloaded)).toBe(true);
    expect(await unseal(reloaded, data.sealed, { context: 'rt' })).toEqual(secret);
    expect(new TextDecoder().decode(await openEnvelope(reloaded, envelope))).toBe('cached file');

    // Old keys, new keys and the marker of the current slot: all non-extractable.
    const report = await inspectIndexedDb(databaseName);
    const privateKeys = report.keys.filter((found) => found.type === 'private');
    expect(privateKeys).toHaveLength(5);
    expect(privateKeys.every((found) => !found.extractable)).toBe(true);

    await forgetPreviousKeys(reloaded);
    const after = (await inspectIndexedDb(databaseName)).keys.filter((k) => k.type === 'private');
    expect(after).toHaveLength(3);
    expect(await previousKeys(bindingOver(storeOn(databaseName)))).toBeNull();
  });

  // Writes: marker, new signing key, new encryption key; the switch; the stale marker; the two
  // old keys. Writes 1–3 leave the old keys current, the switch makes the new ones current.
  const deaths: [number, DeathPoint][] = [];
  for (let k = 1; k <= 7; k++) deaths.push([k, 'before'], [k, 'after']);

  it.each(deaths)(
    'comes up whole and recovers when the app dies at write %i (%s)',
    async (k, point) => {
      const { databaseName, server, keys, data } = await signedIn();
      const dying = dyingStore(storeOn(databaseName), k, point);
      const pairs = [{ deviceId: keys.deviceId, encryptionKey: keys.encryptionKey.publicKey }];
      const run = (async () => {
        const binding = bindingOver(dying.store);
        const rotation = await rotateKeys(binding, { nonce: server.issueNonce() });
        pairs.push({ deviceId: rotation.deviceId, encryptionKey: rotation.encryptionKey });
        expect(await server.rotate(rotation.token, keys.deviceId)).toBe(200);
        await rotation.commit();
        // Re-sealed (one write of the app's own storage) before the previous keys go.
        await migrateAndForget(binding, data);
      })();
      run.catch(() => undefined);
      await Promise.race([run, dying.died]);

      // The page reloads: a binding on the same database loads one whole pair.
      const restarted = bindingOver(storeOn(databaseName));
      const loaded = await restarted.ensureKeys();
      expect(loaded.created).toBe(false);
      const generation = pairs.findIndex((p) => p.deviceId === loaded.deviceId);
      expect(generation).toBe(k > 4 || (k === 4 && point === 'after') ? 1 : 0);
      expect(loaded.encryptionKey.publicKey).toEqual(pairs[generation]!.encryptionKey);

      // The start-up sequence of docs/getting-started.md.
      await startUp(restarted, server, data);
      expect(await unseal(restarted, data.sealed, { context: 'rt' })).toEqual(secret);
      expect(await restarted.getDeviceId()).toBe(server.device?.deviceId);
      expect(await server.accepts(restarted)).toBe(true);
      expect(await unseal(restarted, data.sealed, { context: 'rt' })).toEqual(secret);
    },
  );
});
