// A rotation killed at every step, on every store: the app dies before and after each write
// to the key store (new keys made, keys switched, old keys deleted), and between sending the
// token and reading the server's answer. A new DeviceBinding over the same keys always comes
// up with one whole key pair, old or new; the documented start-up sequence then agrees with
// the server again, and nothing sealed before the rotation is lost.

import { describe, expect, it } from 'vitest';
import { openEnvelope, seal, unseal } from '../../src/envelopes.js';
import { DeviceBinding, type KeyStore, type PublicJwk } from '../../src/index.js';
import { pendingRotation, previousKeys, rotateKeys } from '../../src/rotation.js';
import { type AppData, migrateAndForget, startUp } from '../helpers/rotation-start-up.js';
import {
  androidKind,
  type DeathPoint,
  iosKind,
  memoryKind,
  type StoreKind,
  webCryptoKind,
} from './helpers/dying-stores.js';
import { RotationServer } from './helpers/rotation-server.js';

const NS = 'com.example.crash';
const API = 'https://api.example.com/me';
const secret = new TextEncoder().encode('refresh token sealed before the rotation');
const file = new TextEncoder().encode('a file the server sealed for the device');

const KINDS: readonly (() => StoreKind)[] = [
  memoryKind,
  webCryptoKind,
  () => androidKind(33),
  iosKind,
];

function bindingOver(keyStore: KeyStore): DeviceBinding {
  return new DeviceBinding({ keyStore, namespace: NS });
}

interface Pair {
  deviceId: string;
  encryptionKey: PublicJwk;
}

/** Where the app may die besides a store write. */
type Moment = 'before-send' | 'after-answer' | undefined;

/** The app's rotation, start to end; resolves, or never settles once the app died. */
async function rotateAll(
  binding: DeviceBinding,
  server: RotationServer,
  data: AppData,
  seen: Pair[],
  dieAt: Moment,
  die: () => Promise<never>,
): Promise<void> {
  const rotation = await rotateKeys(binding, { nonce: server.issueNonce() });
  seen.push({ deviceId: rotation.deviceId, encryptionKey: rotation.encryptionKey });
  if (dieAt === 'before-send') await die();
  const status = await server.rotate(rotation.token, rotation.previousDeviceId);
  if (dieAt === 'after-answer') await die();
  expect(status).toBe(200);
  await rotation.commit();
  await proofAccepted(binding, server);
  await migrateAndForget(binding, data);
}

async function proofAccepted(binding: DeviceBinding, server: RotationServer): Promise<boolean> {
  const { DPoP } = await binding.signRequest({ method: 'GET', url: API });
  return server.accepts(DPoP, API);
}

interface Scenario {
  kind: StoreKind;
  server: RotationServer;
  data: AppData;
  seen: Pair[];
  envelope: string;
}

async function signedIn(kind: StoreKind): Promise<Scenario> {
  const server = new RotationServer();
  const binding = bindingOver(kind.restart());
  await server.signIn((await binding.createHandshake({ nonce: server.issueNonce() })).token);
  const keys = await binding.ensureKeys();
  const data = { sealed: await seal(binding, secret, { context: 'rt' }) };
  const envelope = await server.seal(file);
  return {
    kind,
    server,
    data,
    envelope,
    seen: [{ deviceId: keys.deviceId, encryptionKey: keys.encryptionKey.publicKey }],
  };
}

/** Runs the rotation until the app dies at store write `k`, or at `moment`. */
async function runUntilDeath(s: Scenario, k: number, point: DeathPoint, moment: Moment) {
  const dying = s.kind.dying(k, point);
  let dieNow!: () => void;
  const diedAtMoment = new Promise<void>((resolve) => {
    dieNow = resolve;
  });
  const die = () => {
    dieNow();
    return new Promise<never>(() => undefined);
  };
  const run = rotateAll(bindingOver(dying.store), s.server, s.data, s.seen, moment, die);
  run.catch(() => undefined);
  await Promise.race([run.then(() => 'finished'), dying.died, diedAtMoment]);
  return dying.writes();
}

/**
 * What must hold for any binding the moment after a crash, before any recovery: it loads a
 * whole pair of one generation (0: the old keys, 1: the new). Returns which.
 */
async function expectWholePair(s: Scenario): Promise<number> {
  const binding = bindingOver(s.kind.restart());
  const keys = await binding.ensureKeys();
  expect(keys.created).toBe(false);
  const generation = s.seen.findIndex((p) => p.deviceId === keys.deviceId);
  expect(generation, 'the binding loaded a signing key of neither generation').toBeGreaterThan(-1);
  expect(keys.encryptionKey.publicKey).toEqual(s.seen[generation]!.encryptionKey);
  return generation;
}

// Writes 1–3 make the new keys; write 4 is the switch (the marker that makes the other slot
// current), so the new keys are current from the moment it reached the store.
function switched(k: number, point: DeathPoint): boolean {
  return k > 4 || (k === 4 && point === 'after');
}

async function expectRecovered(s: Scenario): Promise<DeviceBinding> {
  const binding = bindingOver(s.kind.restart());
  await startUp(binding, s.server, s.data);
  expect(await binding.getDeviceId()).toBe(s.server.device!.deviceId);
  expect(await proofAccepted(binding, s.server)).toBe(true);
  expect(await unseal(binding, s.data.sealed, { context: 'rt' })).toEqual(secret);
  expect(await openEnvelope(binding, await s.server.seal(file))).toEqual(file);
  expect(await pendingRotation(binding)).toBeNull();
  expect(await previousKeys(binding)).toBeNull();
  return binding;
}

async function expectRotatesAgain(s: Scenario, binding: DeviceBinding): Promise<void> {
  const before = await binding.getDeviceId();
  const rotation = await rotateKeys(binding, { nonce: s.server.issueNonce() });
  expect(await s.server.rotate(rotation.token, before!)).toBe(200);
  await rotation.commit();
  expect(await proofAccepted(binding, s.server)).toBe(true);
}

describe.each(KINDS.map((make) => [make().label, make] as const))(
  'a rotation killed on %s',
  (_, make) => {
    it('finishes when nothing kills it, in a known number of writes', async () => {
      const s = await signedIn(make());
      const writes = await runUntilDeath(s, Number.POSITIVE_INFINITY, 'before', undefined);
      // Marker, signing key, encryption key; the switch; the stale marker; the two old keys.
      expect(writes).toBe(7);
      const binding = await expectRecovered(s);
      expect(await binding.getDeviceId()).toBe(s.seen[1]!.deviceId);
      // Sealed before the rotation, envelopes for the old key need re-delivery once it is forgotten.
      await expect(openEnvelope(binding, s.envelope)).rejects.toMatchObject({
        code: 'INVALID_ENVELOPE',
      });
    });

    for (let k = 1; k <= 7; k++) {
      for (const point of ['before', 'after'] as const) {
        it(`comes up whole and recovers when the app dies ${point} write ${k}`, async () => {
          const s = await signedIn(make());
          await runUntilDeath(s, k, point, undefined);
          expect(await expectWholePair(s)).toBe(switched(k, point) ? 1 : 0);
          const binding = await expectRecovered(s);
          await expectRotatesAgain(s, binding);
        });
      }
    }

    for (const moment of ['before-send', 'after-answer'] as const) {
      it(`comes up whole and recovers when the app dies ${moment.replace('-', ' ')}`, async () => {
        const s = await signedIn(make());
        await runUntilDeath(s, Number.POSITIVE_INFINITY, 'before', moment);
        expect(await expectWholePair(s)).toBe(0);
        // The old key still works at the server only if the server never saw the token.
        const old = bindingOver(s.kind.restart());
        expect(await proofAccepted(old, s.server)).toBe(moment === 'before-send');
        const binding = await expectRecovered(s);
        await expectRotatesAgain(s, binding);
      });
    }

    it('keeps old envelopes and sealed values opening after the switch, until forgotten', async () => {
      const s = await signedIn(make());
      // Dies right after the switch: the previous keys are still kept.
      await runUntilDeath(s, 5, 'before', undefined);
      const binding = bindingOver(s.kind.restart());
      expect(await binding.getDeviceId()).toBe(s.seen[1]!.deviceId);
      expect(await openEnvelope(binding, s.envelope)).toEqual(file);
      expect(await unseal(binding, s.data.sealed, { context: 'rt' })).toEqual(secret);
    });
  },
);
