// The bridge protocol around every call: the version handshake (PROTOCOL_MISMATCH), per-call
// timeouts (TIMEOUT), abort signals, argument checks, and garbage answers to every method on
// both platforms (KEYSTORE_ERROR, never a crash or a TypeError).

import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { encodeBase64url } from '../../src/core/base64url.js';
import { DeviceBindingError } from '../../src/core/errors.js';
import type { EcPublicJwk } from '../../src/core/jwk.js';
import { AndroidKeyStore, type NativeBridge } from '../../src/keystores/android/index.js';
import type { BridgeMethod } from '../../src/keystores/bridge/native-bridge.js';
import type { KeyStore } from '../../src/keystores/contract.js';
import { IosKeychainKeyStore } from '../../src/keystores/ios/index.js';
import {
  type BridgeSimulator,
  createBridgeSimulator,
} from '../../src/testing/bridge-simulator/index.js';
import { rejection } from '../helpers/rejection.js';

function peerKey(): EcPublicJwk {
  const point = p256.getPublicKey(p256.utils.randomSecretKey(), false);
  return {
    kty: 'EC',
    crv: 'P-256',
    x: encodeBase64url(point.subarray(1, 33)),
    y: encodeBase64url(point.subarray(33)),
  };
}

describe('protocol version check', () => {
  it('reports PROTOCOL_MISMATCH when the native side speaks another version', async () => {
    const store = new AndroidKeyStore(
      createBridgeSimulator({ platform: 'android', protocolVersion: 2 }),
    );
    const err = await rejection(
      store.generateKey('app.signing', { purpose: 'sign', algorithm: 'ES256' }),
    );
    expect(err.code).toBe('PROTOCOL_MISMATCH');
    expect(err.message).toContain('version 2');
  });

  it('checks the version before any other call', async () => {
    const simulator = createBridgeSimulator({ platform: 'ios', protocolVersion: 0 });
    await rejection(new IosKeychainKeyStore(simulator).sign('app.signing', Uint8Array.of(1)));
    expect(simulator.calls.map((c) => c.method)).toEqual(['getInfo']);
  });

  it('reports PROTOCOL_MISMATCH for an Android adapter on the iOS module', async () => {
    const err = await rejection(
      new AndroidKeyStore(createBridgeSimulator({ platform: 'ios' })).capabilities(),
    );
    expect(err.code).toBe('PROTOCOL_MISMATCH');
  });

  it('reports PROTOCOL_MISMATCH for an iOS adapter on the Android module', async () => {
    const err = await rejection(
      new IosKeychainKeyStore(createBridgeSimulator({ platform: 'android' })).capabilities(),
    );
    expect(err.code).toBe('PROTOCOL_MISMATCH');
  });

  it('reports PROTOCOL_MISMATCH when getInfo answers without a version', async () => {
    const simulator = createBridgeSimulator({ platform: 'android' });
    simulator.corruptNext('getInfo', () => ({ platform: 'android' }));
    expect((await rejection(new AndroidKeyStore(simulator).capabilities())).code).toBe(
      'PROTOCOL_MISMATCH',
    );
  });

  it('reports PROTOCOL_MISMATCH when the native module does not know getInfo', async () => {
    const simulator = createBridgeSimulator({ platform: 'android' });
    simulator.failNext('getInfo', 'UnknownMethod');
    expect((await rejection(new AndroidKeyStore(simulator).capabilities())).code).toBe(
      'PROTOCOL_MISMATCH',
    );
  });

  it('asks for the device facts once and tells the native side its version', async () => {
    const simulator = createBridgeSimulator({ platform: 'android' });
    const store = new AndroidKeyStore(simulator);
    await store.capabilities();
    await store.generateKey('app.signing', { purpose: 'sign', algorithm: 'ES256' });
    await store.sign('app.signing', Uint8Array.of(1));
    const infoCalls = simulator.calls.filter((c) => c.method === 'getInfo');
    expect(infoCalls).toEqual([{ method: 'getInfo', params: { protocolVersion: 1 } }]);
  });

  it('asks again after a failed getInfo instead of caching the failure', async () => {
    const simulator = createBridgeSimulator({ platform: 'android' });
    simulator.failNext('getInfo', 'SomethingTransient');
    const store = new AndroidKeyStore(simulator);
    expect((await rejection(store.capabilities())).code).toBe('KEYSTORE_ERROR');
    expect((await store.capabilities()).signing).toEqual(['ES256']);
  });

  it('refuses an Android device older than API 24', async () => {
    const simulator = createBridgeSimulator({ platform: 'android' });
    simulator.corruptNext('getInfo', (answer) => ({ ...(answer as object), apiLevel: 23 }));
    expect((await rejection(new AndroidKeyStore(simulator).capabilities())).code).toBe(
      'KEYSTORE_ERROR',
    );
  });
});

describe('timeouts and abort', () => {
  it('gives TIMEOUT when the native side never answers', async () => {
    const simulator = createBridgeSimulator({ platform: 'android' });
    const store = new AndroidKeyStore(simulator, { timeoutMs: 50 });
    simulator.hangNext('listAliases');
    expect((await rejection(store.listAliases())).code).toBe('TIMEOUT');
  });

  it('gives TIMEOUT when getInfo never answers', async () => {
    const simulator = createBridgeSimulator({ platform: 'ios' });
    simulator.hangNext('getInfo');
    expect(
      (await rejection(new IosKeychainKeyStore(simulator, { timeoutMs: 30 }).capabilities())).code,
    ).toBe('TIMEOUT');
  });

  it('uses the interactive timeout for operations that may prompt', async () => {
    const simulator = createBridgeSimulator({ platform: 'android' });
    const store = new AndroidKeyStore(simulator, { timeoutMs: 5_000, interactiveTimeoutMs: 40 });
    await store.generateKey('app.signing', { purpose: 'sign', algorithm: 'ES256' });
    simulator.hangNext('sign');
    const started = Date.now();
    expect((await rejection(store.sign('app.signing', Uint8Array.of(1)))).code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('keeps working after a timed-out call', async () => {
    const simulator = createBridgeSimulator({ platform: 'android' });
    const store = new AndroidKeyStore(simulator, { timeoutMs: 30 });
    simulator.hangNext('listAliases');
    await rejection(store.listAliases());
    expect(await store.listAliases()).toEqual([]);
  });

  it('stops waiting when the signal aborts', async () => {
    const simulator = createBridgeSimulator({ platform: 'ios' });
    const store = new IosKeychainKeyStore(simulator);
    await store.generateKey('app.signing', { purpose: 'sign', algorithm: 'ES256' });
    simulator.hangNext('sign');
    const controller = new AbortController();
    const pending = store.sign('app.signing', Uint8Array.of(1), { signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    expect((await rejection(pending)).code).toBe('USER_CANCELLED');
  });

  it('does not call native code with an already aborted signal', async () => {
    const simulator = createBridgeSimulator({ platform: 'ios' });
    const store = new IosKeychainKeyStore(simulator);
    await store.generateKey('app.signing', { purpose: 'sign', algorithm: 'ES256' });
    const controller = new AbortController();
    controller.abort();
    await rejection(store.sign('app.signing', Uint8Array.of(1), { signal: controller.signal }));
    expect(simulator.calls.filter((c) => c.method === 'sign')).toEqual([]);
  });

  it('refuses a timeout that is not a positive number', () => {
    expect(
      () => new AndroidKeyStore(createBridgeSimulator({ platform: 'android' }), { timeoutMs: 0 }),
    ).toThrow(/timeoutMs/);
  });

  it('refuses a signal that is not an AbortSignal', async () => {
    const store = new AndroidKeyStore(createBridgeSimulator({ platform: 'android' }));
    const options = { signal: 'soon' as unknown as AbortSignal };
    expect((await rejection(store.sign('app.signing', Uint8Array.of(1), options))).code).toBe(
      'INVALID_ARGUMENT',
    );
  });
});

describe('arguments are checked before anything crosses the bridge', () => {
  const simulator = createBridgeSimulator({ platform: 'android' });
  const store = new AndroidKeyStore(simulator);

  it('refuses a bridge without call()', () => {
    expect(() => new AndroidKeyStore({} as NativeBridge)).toThrow(DeviceBindingError);
  });

  it('refuses a malformed alias', async () => {
    expect((await rejection(store.getKey('has spaces'))).code).toBe('INVALID_ARGUMENT');
  });

  it('refuses data that is not a Uint8Array', async () => {
    expect((await rejection(store.sign('app.signing', 'abc' as unknown as Uint8Array))).code).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('refuses an empty ciphertext', async () => {
    expect((await rejection(store.decrypt('app.encryption', new Uint8Array(0)))).code).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('refuses a peer key with a private member', async () => {
    const peer = { ...peerKey(), d: 'AAAA' } as unknown as EcPublicJwk;
    expect((await rejection(store.deriveSharedSecret('app.encryption', peer))).code).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('refuses a peer key that is not on the curve', async () => {
    const peer = peerKey();
    const y = peer.y;
    const flipped = { ...peer, y: `${y.slice(0, 10)}${y[10] === 'A' ? 'B' : 'A'}${y.slice(11)}` };
    expect((await rejection(store.deriveSharedSecret('app.encryption', flipped))).code).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('refuses prompt texts that are not strings', async () => {
    const options = { prompt: { title: 42 as unknown as string } };
    expect((await rejection(store.sign('app.signing', Uint8Array.of(1), options))).code).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('refuses an attestation challenge longer than 128 bytes', async () => {
    const spec = {
      purpose: 'sign',
      algorithm: 'ES256',
      attestationChallenge: new Uint8Array(129),
    } as const;
    expect((await rejection(store.generateKey('app.signing', spec))).code).toBe('INVALID_ARGUMENT');
  });

  it('refuses an unknown hardware preference', async () => {
    const spec = {
      purpose: 'sign',
      algorithm: 'ES256',
      hardware: 'titan',
    } as unknown as Parameters<KeyStore['generateKey']>[1];
    expect((await rejection(store.generateKey('app.signing', spec))).code).toBe('INVALID_ARGUMENT');
  });

  it('refuses a malformed user-authentication policy', async () => {
    const spec = {
      purpose: 'sign',
      algorithm: 'ES256',
      userAuthentication: { type: 'face' },
    } as unknown as Parameters<KeyStore['generateKey']>[1];
    expect((await rejection(store.generateKey('app.signing', spec))).code).toBe('INVALID_ARGUMENT');
  });

  it('sent nothing but getInfo for all of the above', () => {
    expect(new Set(simulator.calls.map((c) => c.method))).toEqual(new Set(['getInfo']));
  });
});

type Garbage = [label: string, transform: (answer: unknown) => unknown];

const GARBAGE: Garbage[] = [
  ['null', () => null],
  ['a string', () => 'ok'],
  ['a number', () => 7],
  ['an array', (answer) => [answer]],
  ['an empty object', () => ({})],
];

interface Setup {
  simulator: BridgeSimulator;
  store: KeyStore;
  signAlias: string;
  encryptAlias: string;
}

async function setUp(platform: 'android' | 'ios'): Promise<Setup> {
  const simulator = createBridgeSimulator({ platform, apiLevel: 31 });
  const store =
    platform === 'android' ? new AndroidKeyStore(simulator) : new IosKeychainKeyStore(simulator);
  await store.generateKey('app.signing', { purpose: 'sign', algorithm: 'ES256' });
  await store.generateKey('app.encryption', { purpose: 'encrypt', algorithm: 'ECDH-ES' });
  return { simulator, store, signAlias: 'app.signing', encryptAlias: 'app.encryption' };
}

const OPERATIONS: [BridgeMethod, (s: Setup) => Promise<unknown>][] = [
  ['generateKey', (s) => s.store.generateKey('app.other', { purpose: 'sign', algorithm: 'ES256' })],
  ['getKey', (s) => s.store.getKey(s.signAlias)],
  ['sign', (s) => s.store.sign(s.signAlias, Uint8Array.of(1, 2))],
  ['agree', (s) => s.store.deriveSharedSecret(s.encryptAlias, peerKey())],
  ['deleteKey', (s) => s.store.deleteKey(s.signAlias)],
  ['listAliases', (s) => s.store.listAliases()],
];

for (const platform of ['android', 'ios'] as const) {
  describe(`garbage answers from the ${platform} native side give KEYSTORE_ERROR`, () => {
    for (const [method, run] of OPERATIONS) {
      for (const [label, transform] of GARBAGE) {
        // getKey may answer null: that means "no key".
        if (method === 'getKey' && label === 'null') continue;
        it(`${method} answering ${label}`, async () => {
          const setup = await setUp(platform);
          setup.simulator.corruptNext(method, transform);
          expect((await rejection(run(setup))).code).toBe('KEYSTORE_ERROR');
        });
      }
    }

    it('sign answering a signature that is not DER', async () => {
      const setup = await setUp(platform);
      setup.simulator.corruptNext('sign', () => ({
        signature: encodeBase64url(new Uint8Array(64).fill(7)),
      }));
      expect((await rejection(run('sign', setup))).code).toBe('KEYSTORE_ERROR');
    });

    it('sign answering a signature in standard base64', async () => {
      const setup = await setUp(platform);
      setup.simulator.corruptNext('sign', (answer) => ({
        signature: `${(answer as { signature: string }).signature}==`,
      }));
      expect((await rejection(run('sign', setup))).code).toBe('KEYSTORE_ERROR');
    });

    it('agree answering a 31-byte secret', async () => {
      const setup = await setUp(platform);
      setup.simulator.corruptNext('agree', () => ({
        sharedSecret: encodeBase64url(new Uint8Array(31).fill(1)),
      }));
      expect((await rejection(run('agree', setup))).code).toBe('KEYSTORE_ERROR');
    });

    it('getKey answering an off-curve public key', async () => {
      const setup = await setUp(platform);
      setup.simulator.corruptNext('getKey', (answer) => {
        const record = answer as { publicKey: string };
        const last = record.publicKey.at(-2) === 'A' ? 'B' : 'A';
        return {
          ...record,
          publicKey: `${record.publicKey.slice(0, -2)}${last}${record.publicKey.slice(-1)}`,
        };
      });
      expect((await rejection(run('getKey', setup))).code).toBe('KEYSTORE_ERROR');
    });

    it('getKey answering a record with a private key', async () => {
      const setup = await setUp(platform);
      setup.simulator.corruptNext('getKey', (answer) => ({
        ...(answer as object),
        d: encodeBase64url(new Uint8Array(32)),
      }));
      expect((await rejection(run('getKey', setup))).code).toBe('KEYSTORE_ERROR');
    });

    it('generateKey answering another alias', async () => {
      const setup = await setUp(platform);
      setup.simulator.corruptNext('generateKey', (answer) => {
        const result = answer as { created: boolean; key: Record<string, unknown> };
        return { ...result, key: { ...result.key, alias: 'app.signing' } };
      });
      expect((await rejection(run('generateKey', setup))).code).toBe('KEYSTORE_ERROR');
    });

    it('listAliases answering a malformed alias', async () => {
      const setup = await setUp(platform);
      setup.simulator.corruptNext('listAliases', () => ({ aliases: ['ok', 'not ok'] }));
      expect((await rejection(run('listAliases', setup))).code).toBe('KEYSTORE_ERROR');
    });

    it('a bridge that throws synchronously', async () => {
      const bridge: NativeBridge = {
        call: () => {
          throw new TypeError('native module crashed');
        },
      };
      const store =
        platform === 'android' ? new AndroidKeyStore(bridge) : new IosKeychainKeyStore(bridge);
      expect((await rejection(store.listAliases())).code).toBe('KEYSTORE_ERROR');
    });
  });
}

function run(method: BridgeMethod, setup: Setup): Promise<unknown> {
  const operation = OPERATIONS.find(([name]) => name === method);
  if (operation === undefined) throw new Error(`no operation for ${method}`);
  return operation[1](setup);
}
