// AndroidKeyStore over the simulated Android native side: capabilities by API level, ES256
// from DER, ECDH from API 31, RSA-OAEP with MGF1-SHA-1 before API 35, StrongBox → TEE
// fallback, key attestation, user authentication, invalidation, concurrency, persistence.

import { X509Certificate } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from '../../src/core/base64url.js';
import type { EcPublicJwk, PublicJwk, RsaPublicJwk } from '../../src/core/jwk.js';
import { AndroidKeyStore, type NativeBridge } from '../../src/keystores/android/index.js';
import { createBridgeSimulator } from '../../src/testing/bridge-simulator/index.js';
import { rejection } from '../helpers/rejection.js';

function android(options: Omit<Parameters<typeof createBridgeSimulator>[0], 'platform'> = {}) {
  const simulator = createBridgeSimulator({ platform: 'android', ...options });
  return { simulator, store: new AndroidKeyStore(simulator) };
}

async function verifyEs256(
  publicKey: PublicJwk,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  const { x, y } = publicKey as EcPublicJwk;
  const key = await crypto.subtle.importKey(
    'jwk',
    { kty: 'EC', crv: 'P-256', x, y },
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  );
  return crypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    key,
    signature as Uint8Array<ArrayBuffer>,
    data as Uint8Array<ArrayBuffer>,
  );
}

async function rsaEncrypt(
  publicKey: PublicJwk,
  hash: 'SHA-1' | 'SHA-256',
  data: Uint8Array,
): Promise<Uint8Array> {
  const { n, e } = publicKey as RsaPublicJwk;
  const key = await crypto.subtle.importKey(
    'jwk',
    { kty: 'RSA', n, e },
    { name: 'RSA-OAEP', hash },
    false,
    ['encrypt'],
  );
  return new Uint8Array(
    await crypto.subtle.encrypt({ name: 'RSA-OAEP' }, key, data as Uint8Array<ArrayBuffer>),
  );
}

const SIGN = { purpose: 'sign', algorithm: 'ES256' } as const;

describe('AndroidKeyStore capabilities are honest per API level', () => {
  it('API 28: ES256 and RSA-OAEP only', async () => {
    expect(await android({ apiLevel: 28 }).store.capabilities()).toEqual({
      signing: ['ES256'],
      encryption: ['RSA-OAEP'],
      hardwareBacked: true,
      userAuthentication: true,
      attestation: true,
      persistent: true,
    });
  });

  it('API 31: ECDH arrives, RSA still without MGF1-SHA-256', async () => {
    expect((await android({ apiLevel: 31 }).store.capabilities()).encryption).toEqual([
      'ECDH-ES',
      'RSA-OAEP',
    ]);
  });

  it('API 35: RSA-OAEP-256 arrives', async () => {
    expect((await android({ apiLevel: 35 }).store.capabilities()).encryption).toEqual([
      'ECDH-ES',
      'RSA-OAEP-256',
      'RSA-OAEP',
    ]);
  });

  it('a software-only Keystore declares no hardware and no attestation', async () => {
    const capabilities = await android({ hardwareBacked: false }).store.capabilities();
    expect(capabilities.hardwareBacked).toBe(false);
    expect(capabilities.attestation).toBe(false);
  });

  it('a device without a lock screen cannot enforce user authentication', async () => {
    expect((await android({ deviceSecure: false }).store.capabilities()).userAuthentication).toBe(
      false,
    );
  });

  it('reports the device facts', async () => {
    expect(await android({ apiLevel: 30, strongBox: true }).store.deviceInfo()).toEqual({
      apiLevel: 30,
      hardwareBacked: true,
      strongBox: true,
      deviceSecure: true,
      biometrics: true,
    });
  });
});

describe('AndroidKeyStore signing', () => {
  it('returns the 64-byte JOSE form of the DER signature Keystore produced', async () => {
    const { simulator, store } = android();
    const answers: unknown[] = [];
    const recording: NativeBridge = {
      async call(method, params) {
        const answer = await simulator.call(method, params);
        if (method === 'sign') answers.push(answer);
        return answer;
      },
    };
    const recordingStore = new AndroidKeyStore(recording);
    const info = await store.generateKey('app.signing', SIGN);
    const data = new TextEncoder().encode('header.payload');
    const signature = await recordingStore.sign('app.signing', data);
    const der = decodeBase64url((answers[0] as { signature: string }).signature);
    expect(der[0]).toBe(0x30);
    expect(signature.length).toBe(64);
    expect(await verifyEs256(info.publicKey, signature, data)).toBe(true);
  });

  it('a signature does not verify over other data', async () => {
    const { store } = android();
    const info = await store.generateKey('app.signing', SIGN);
    const signature = await store.sign('app.signing', Uint8Array.of(1, 2, 3));
    expect(await verifyEs256(info.publicKey, signature, Uint8Array.of(1, 2, 4))).toBe(false);
  });

  it('signs the empty message', async () => {
    const { store } = android();
    const info = await store.generateKey('app.signing', SIGN);
    expect(
      await verifyEs256(
        info.publicKey,
        await store.sign('app.signing', new Uint8Array(0)),
        new Uint8Array(0),
      ),
    ).toBe(true);
  });

  it('refuses EdDSA keys (Keystore offers ES256 only)', async () => {
    const err = await rejection(
      android().store.generateKey('app.signing', { purpose: 'sign', algorithm: 'EdDSA' }),
    );
    expect(err.code).toBe('UNSUPPORTED_ALGORITHM');
  });

  it('refuses to sign with an encryption key', async () => {
    const { store } = android({ apiLevel: 31 });
    await store.generateKey('app.encryption', { purpose: 'encrypt', algorithm: 'ECDH-ES' });
    expect((await rejection(store.sign('app.encryption', Uint8Array.of(1)))).code).toBe(
      'UNSUPPORTED_ALGORITHM',
    );
  });
});

describe('AndroidKeyStore ECDH (PURPOSE_AGREE_KEY, API 31+)', () => {
  it('derives the secret the peer computes', async () => {
    const { store } = android({ apiLevel: 31 });
    const info = await store.generateKey('app.encryption', {
      purpose: 'encrypt',
      algorithm: 'ECDH-ES',
    });
    expect(info.publicKey).toMatchObject({ kty: 'EC', use: 'enc', alg: 'ECDH-ES+A256KW' });
    const peerSecret = p256.utils.randomSecretKey();
    const peerPoint = p256.getPublicKey(peerSecret, false);
    const peer: EcPublicJwk = {
      kty: 'EC',
      crv: 'P-256',
      x: encodeBase64url(peerPoint.subarray(1, 33)),
      y: encodeBase64url(peerPoint.subarray(33)),
    };
    const { x, y } = info.publicKey as EcPublicJwk;
    const device = Uint8Array.of(4, ...decodeBase64url(x), ...decodeBase64url(y));
    const expected = p256.getSharedSecret(peerSecret, device, true).subarray(1);
    expect(await store.deriveSharedSecret('app.encryption', peer)).toEqual(expected);
  });

  it('is refused below API 31', async () => {
    const err = await rejection(
      android({ apiLevel: 30 }).store.generateKey('app.encryption', {
        purpose: 'encrypt',
        algorithm: 'ECDH-ES',
      }),
    );
    expect(err.code).toBe('UNSUPPORTED_ALGORITHM');
  });

  it('is refused on an RSA key', async () => {
    const { store } = android({ apiLevel: 28 });
    await store.generateKey('app.encryption', { purpose: 'encrypt', algorithm: 'RSA-OAEP' });
    const point = p256.getPublicKey(p256.utils.randomSecretKey(), false);
    const peer: EcPublicJwk = {
      kty: 'EC',
      crv: 'P-256',
      x: encodeBase64url(point.subarray(1, 33)),
      y: encodeBase64url(point.subarray(33)),
    };
    expect((await rejection(store.deriveSharedSecret('app.encryption', peer))).code).toBe(
      'UNSUPPORTED_ALGORITHM',
    );
  });
});

describe('AndroidKeyStore RSA-OAEP and the MGF1 digest', () => {
  it('API 28: the key declares RSA-OAEP and opens SHA-1 OAEP', async () => {
    const { store } = android({ apiLevel: 28 });
    const info = await store.generateKey('app.encryption', {
      purpose: 'encrypt',
      algorithm: 'RSA-OAEP',
    });
    expect(info.publicKey).toMatchObject({ kty: 'RSA', use: 'enc', alg: 'RSA-OAEP' });
    const cek = crypto.getRandomValues(new Uint8Array(32));
    expect(
      await store.decrypt('app.encryption', await rsaEncrypt(info.publicKey, 'SHA-1', cek)),
    ).toEqual(cek);
  });

  it('API 28: SHA-256 OAEP (RSA-OAEP-256) does not open', async () => {
    const { store } = android({ apiLevel: 28 });
    const info = await store.generateKey('app.encryption', {
      purpose: 'encrypt',
      algorithm: 'RSA-OAEP',
    });
    const ciphertext = await rsaEncrypt(info.publicKey, 'SHA-256', new Uint8Array(32));
    expect((await rejection(store.decrypt('app.encryption', ciphertext))).code).toBe(
      'KEYSTORE_ERROR',
    );
  });

  it('API 34: an RSA-OAEP-256 key is refused (MGF1 would be SHA-1)', async () => {
    const err = await rejection(
      android({ apiLevel: 34 }).store.generateKey('app.encryption', {
        purpose: 'encrypt',
        algorithm: 'RSA-OAEP-256',
      }),
    );
    expect(err.code).toBe('UNSUPPORTED_ALGORITHM');
  });

  it('API 35: an RSA-OAEP-256 key opens SHA-256 OAEP', async () => {
    const { store } = android({ apiLevel: 35 });
    const info = await store.generateKey('app.encryption', {
      purpose: 'encrypt',
      algorithm: 'RSA-OAEP-256',
    });
    expect(info.publicKey).toMatchObject({ alg: 'RSA-OAEP-256' });
    const cek = crypto.getRandomValues(new Uint8Array(16));
    expect(
      await store.decrypt('app.encryption', await rsaEncrypt(info.publicKey, 'SHA-256', cek)),
    ).toEqual(cek);
  });

  it('API 35: an RSA-OAEP-256 key does not open SHA-1 OAEP', async () => {
    const { store } = android({ apiLevel: 35 });
    const info = await store.generateKey('app.encryption', {
      purpose: 'encrypt',
      algorithm: 'RSA-OAEP-256',
    });
    const ciphertext = await rsaEncrypt(info.publicKey, 'SHA-1', new Uint8Array(16));
    expect((await rejection(store.decrypt('app.encryption', ciphertext))).code).toBe(
      'KEYSTORE_ERROR',
    );
  });

  it('makes 3072-bit keys when asked', async () => {
    const { store } = android({ apiLevel: 28 });
    const info = await store.generateKey('app.encryption', {
      purpose: 'encrypt',
      algorithm: 'RSA-OAEP',
      modulusLength: 3072,
    });
    expect(decodeBase64url((info.publicKey as RsaPublicJwk).n).length).toBe(384);
  });

  it('a tampered ciphertext gives KEYSTORE_ERROR', async () => {
    const { store } = android({ apiLevel: 28 });
    const info = await store.generateKey('app.encryption', {
      purpose: 'encrypt',
      algorithm: 'RSA-OAEP',
    });
    const ciphertext = await rsaEncrypt(info.publicKey, 'SHA-1', new Uint8Array(32));
    ciphertext[100]! ^= 1;
    expect((await rejection(store.decrypt('app.encryption', ciphertext))).code).toBe(
      'KEYSTORE_ERROR',
    );
  });

  it('a truncated ciphertext gives KEYSTORE_ERROR', async () => {
    const { store } = android({ apiLevel: 28 });
    const info = await store.generateKey('app.encryption', {
      purpose: 'encrypt',
      algorithm: 'RSA-OAEP',
    });
    const ciphertext = await rsaEncrypt(info.publicKey, 'SHA-1', new Uint8Array(32));
    expect(
      (
        await rejection(
          store.decrypt('app.encryption', ciphertext.subarray(0, ciphertext.length - 1)),
        )
      ).code,
    ).toBe('KEYSTORE_ERROR');
  });
});

describe('AndroidKeyStore hardware preference', () => {
  it('puts the key in StrongBox when preferred and present', async () => {
    const { store } = android({ apiLevel: 33, strongBox: true });
    const info = await store.generateKey('app.signing', {
      ...SIGN,
      hardware: 'strongbox-preferred',
    });
    expect(info.securityLevel).toBe('strongbox');
    expect(info.hardwareBacked).toBe(true);
  });

  it('falls back to the TEE on StrongBoxUnavailableException and says so', async () => {
    const { simulator, store } = android({ apiLevel: 33, strongBox: true });
    simulator.failNext('generateKey', 'StrongBoxUnavailableException');
    const info = await store.generateKey('app.signing', {
      ...SIGN,
      hardware: 'strongbox-preferred',
    });
    expect(info.securityLevel).toBe('tee');
    const attempts = simulator.calls
      .filter((c) => c.method === 'generateKey')
      .map((c) => c.params.strongBox);
    expect(attempts).toEqual([true, false]);
  });

  it('falls back to the TEE for an RSA key StrongBox cannot hold (4096 bits)', async () => {
    const { store } = android({ apiLevel: 33, strongBox: true });
    const info = await store.generateKey('app.encryption', {
      purpose: 'encrypt',
      algorithm: 'RSA-OAEP',
      modulusLength: 4096,
      hardware: 'strongbox-preferred',
    });
    expect(info.securityLevel).toBe('tee');
  });

  it('does not ask for StrongBox on a device that has none', async () => {
    const { simulator, store } = android({ apiLevel: 33 });
    const info = await store.generateKey('app.signing', {
      ...SIGN,
      hardware: 'strongbox-preferred',
    });
    expect(info.securityLevel).toBe('tee');
    expect(
      simulator.calls.filter((c) => c.method === 'generateKey').map((c) => c.params.strongBox),
    ).toEqual([false]);
  });

  it('does not ask for StrongBox when only "preferred"', async () => {
    const { store } = android({ apiLevel: 33, strongBox: true });
    expect(
      (await store.generateKey('app.signing', { ...SIGN, hardware: 'preferred' })).securityLevel,
    ).toBe('tee');
  });

  it('refuses "required" on a software-only Keystore', async () => {
    const err = await rejection(
      android({ hardwareBacked: false }).store.generateKey('app.signing', {
        ...SIGN,
        hardware: 'required',
      }),
    );
    expect(err.code).toBe('UNSUPPORTED_ALGORITHM');
  });

  it('deletes a key the native side made in software despite "required"', async () => {
    const { simulator, store } = android();
    simulator.corruptNext('generateKey', (answer) => {
      const result = answer as { created: boolean; key: Record<string, unknown> };
      return { ...result, key: { ...result.key, securityLevel: 'software' } };
    });
    expect(
      (await rejection(store.generateKey('app.signing', { ...SIGN, hardware: 'required' }))).code,
    ).toBe('UNSUPPORTED_ALGORITHM');
    expect(simulator.hasKey('app.signing')).toBe(false);
  });

  it('a StrongBoxUnavailableException when StrongBox was not asked for is a KEYSTORE_ERROR', async () => {
    const { simulator, store } = android();
    simulator.failNext('generateKey', 'StrongBoxUnavailableException');
    expect((await rejection(store.generateKey('app.signing', SIGN))).code).toBe('KEYSTORE_ERROR');
  });
});

describe('AndroidKeyStore key attestation', () => {
  it('returns a certificate chain whose leaf certifies the key and carries the challenge', async () => {
    const { store } = android({ apiLevel: 33 });
    const challenge = crypto.getRandomValues(new Uint8Array(32));
    const info = await store.generateKey('app.signing', {
      ...SIGN,
      attestationChallenge: challenge,
    });
    expect(info.attestation?.format).toBe('android-key');
    const [leafB64, rootB64] = info.attestation?.x5c ?? [];
    const leaf = new X509Certificate(Buffer.from(leafB64!, 'base64'));
    const root = new X509Certificate(Buffer.from(rootB64!, 'base64'));
    expect(leaf.checkIssued(root)).toBe(true);
    expect(leaf.verify(root.publicKey)).toBe(true);
    const certified = leaf.publicKey.export({ format: 'jwk' });
    expect({ x: certified.x, y: certified.y }).toEqual({
      x: (info.publicKey as EcPublicJwk).x,
      y: (info.publicKey as EcPublicJwk).y,
    });
    expect(Buffer.from(leaf.raw).includes(Buffer.from(challenge))).toBe(true);
  });

  it('attests nothing without a challenge', async () => {
    expect((await android().store.generateKey('app.signing', SIGN)).attestation).toBeUndefined();
  });

  it('keeps the attestation for later getKey calls', async () => {
    const { store } = android();
    await store.generateKey('app.signing', {
      ...SIGN,
      attestationChallenge: Uint8Array.of(1, 2, 3),
    });
    // A remotely provisioned chain: leaf, attestation key, Droid CA3, Droid CA2, root.
    expect((await store.getKey('app.signing'))?.attestation?.x5c?.length).toBe(5);
  });

  it('a software Keystore attests nothing', async () => {
    const info = await android({ hardwareBacked: false }).store.generateKey('app.signing', {
      ...SIGN,
      attestationChallenge: Uint8Array.of(1),
    });
    expect(info.attestation).toBeUndefined();
  });
});

describe('AndroidKeyStore user authentication', () => {
  const BIOMETRIC = { type: 'biometric', validitySeconds: 0 } as const;

  it('prompts on every use of a per-use biometric key, with the operation prompt', async () => {
    const { simulator, store } = android();
    await store.generateKey('app.signing', { ...SIGN, userAuthentication: BIOMETRIC });
    await store.sign('app.signing', Uint8Array.of(1), { prompt: { title: 'Sign in to Example' } });
    await store.sign('app.signing', Uint8Array.of(2), { prompt: { title: 'Approve payment' } });
    expect(simulator.prompts.map((p) => p.prompt?.title)).toEqual([
      'Sign in to Example',
      'Approve payment',
    ]);
  });

  it('uses the store’s default prompt for an operation that has none', async () => {
    const simulator = createBridgeSimulator({ platform: 'android' });
    const store = new AndroidKeyStore(simulator, {
      prompts: { sign: { title: 'Confirm it is you', cancelLabel: 'Not now' } },
    });
    await store.generateKey('app.signing', { ...SIGN, userAuthentication: BIOMETRIC });
    await store.sign('app.signing', Uint8Array.of(1));
    expect(simulator.prompts[0]?.prompt).toEqual({
      title: 'Confirm it is you',
      cancelLabel: 'Not now',
    });
  });

  it('does not prompt within the validity window, and prompts after it', async () => {
    let now = 1_000_000;
    const simulator = createBridgeSimulator({ platform: 'android', apiLevel: 31, now: () => now });
    const store = new AndroidKeyStore(simulator);
    await store.generateKey('app.signing', {
      ...SIGN,
      userAuthentication: { type: 'biometric-or-device-credential', validitySeconds: 60 },
    });
    simulator.authenticate();
    now += 30_000;
    await store.sign('app.signing', Uint8Array.of(1));
    expect(simulator.prompts.length).toBe(0);
    now += 60_000;
    await store.sign('app.signing', Uint8Array.of(2));
    expect(simulator.prompts.length).toBe(1);
  });

  it('sends the normalised policy to the native side', async () => {
    const { simulator, store } = android();
    const info = await store.generateKey('app.signing', {
      ...SIGN,
      userAuthentication: { type: 'biometric' },
    });
    expect(
      simulator.calls.find((c) => c.method === 'generateKey')?.params.userAuthentication,
    ).toEqual({
      type: 'biometric',
      validitySeconds: 0,
      invalidateOnNewEnrollment: true,
    });
    expect(info.userAuthentication).toEqual({
      type: 'biometric',
      validitySeconds: 0,
      invalidateOnNewEnrollment: true,
    });
  });

  it('before API 30, refuses a per-use key that accepts the device credential', async () => {
    const spec = {
      ...SIGN,
      userAuthentication: { type: 'biometric-or-device-credential', validitySeconds: 0 },
    } as const;
    expect(
      (await rejection(android({ apiLevel: 29 }).store.generateKey('app.signing', spec))).code,
    ).toBe('UNSUPPORTED_ALGORITHM');
  });

  it('before API 30, refuses a biometric-only key with a validity window', async () => {
    const spec = {
      ...SIGN,
      userAuthentication: { type: 'biometric', validitySeconds: 30 },
    } as const;
    expect(
      (await rejection(android({ apiLevel: 29 }).store.generateKey('app.signing', spec))).code,
    ).toBe('UNSUPPORTED_ALGORITHM');
  });

  it('before API 30, accepts a per-use biometric key', async () => {
    const info = await android({ apiLevel: 29 }).store.generateKey('app.signing', {
      ...SIGN,
      userAuthentication: BIOMETRIC,
    });
    expect(info.userAuthentication?.type).toBe('biometric');
  });

  it('refuses per-use authentication on an ECDH key', async () => {
    const spec = {
      purpose: 'encrypt',
      algorithm: 'ECDH-ES',
      userAuthentication: BIOMETRIC,
    } as const;
    expect(
      (await rejection(android({ apiLevel: 35 }).store.generateKey('app.encryption', spec))).code,
    ).toBe('UNSUPPORTED_ALGORITHM');
  });

  it('accepts an ECDH key with a validity window', async () => {
    const spec = {
      purpose: 'encrypt',
      algorithm: 'ECDH-ES',
      userAuthentication: { type: 'biometric-or-device-credential', validitySeconds: 300 },
    } as const;
    expect(
      (await android({ apiLevel: 31 }).store.generateKey('app.encryption', spec)).userAuthentication
        ?.validitySeconds,
    ).toBe(300);
  });

  it('refuses user authentication without a lock screen', async () => {
    const err = await rejection(
      android({ deviceSecure: false }).store.generateKey('app.signing', {
        ...SIGN,
        userAuthentication: BIOMETRIC,
      }),
    );
    expect(err.code).toBe('UNSUPPORTED_ALGORITHM');
  });
});

describe('AndroidKeyStore invalidation by a new biometric enrolment', () => {
  it('invalidates keys bound to enrolment: getKey and sign give KEY_INVALIDATED', async () => {
    const { simulator, store } = android();
    await store.generateKey('app.signing', { ...SIGN, userAuthentication: { type: 'biometric' } });
    simulator.enrollBiometric();
    expect((await rejection(store.getKey('app.signing'))).code).toBe('KEY_INVALIDATED');
    expect((await rejection(store.sign('app.signing', Uint8Array.of(1)))).code).toBe(
      'KEY_INVALIDATED',
    );
  });

  it('an invalidated key can be deleted and made again', async () => {
    const { simulator, store } = android();
    const before = await store.generateKey('app.signing', {
      ...SIGN,
      userAuthentication: { type: 'biometric' },
    });
    simulator.enrollBiometric();
    await store.deleteKey('app.signing');
    const after = await store.generateKey('app.signing', {
      ...SIGN,
      userAuthentication: { type: 'biometric' },
    });
    expect(after.publicKey).not.toEqual(before.publicKey);
    expect((await store.sign('app.signing', Uint8Array.of(1))).length).toBe(64);
  });

  it('keeps keys made with invalidateOnNewEnrollment: false', async () => {
    const { simulator, store } = android();
    await store.generateKey('app.signing', {
      ...SIGN,
      userAuthentication: { type: 'biometric', invalidateOnNewEnrollment: false },
    });
    simulator.enrollBiometric();
    expect((await store.sign('app.signing', Uint8Array.of(1))).length).toBe(64);
  });

  it('keeps keys without user authentication', async () => {
    const { simulator, store } = android();
    await store.generateKey('app.signing', SIGN);
    simulator.enrollBiometric();
    expect(await store.getKey('app.signing')).not.toBeNull();
  });
});

describe('AndroidKeyStore key lifecycle', () => {
  it('concurrent generateKey calls for one alias make one key', async () => {
    const { simulator, store } = android();
    const keys = await Promise.all(
      Array.from({ length: 8 }, () => store.generateKey('app.signing', SIGN)),
    );
    expect(new Set(keys.map((k) => JSON.stringify(k.publicKey))).size).toBe(1);
    expect(simulator.calls.filter((c) => c.method === 'generateKey').length).toBe(1);
  });

  it('concurrent generateKey calls from two store instances still make one key', async () => {
    const simulator = createBridgeSimulator({ platform: 'android', apiLevel: 28 });
    const spec = { purpose: 'encrypt', algorithm: 'RSA-OAEP' } as const;
    const [a, b] = await Promise.all([
      new AndroidKeyStore(simulator).generateKey('app.encryption', spec),
      new AndroidKeyStore(simulator).generateKey('app.encryption', spec),
    ]);
    expect(a.publicKey).toEqual(b.publicKey);
  });

  it('generateKey on an existing alias returns the existing key unchanged', async () => {
    const { store } = android({ apiLevel: 31 });
    const first = await store.generateKey('app.key', SIGN);
    const second = await store.generateKey('app.key', { purpose: 'encrypt', algorithm: 'ECDH-ES' });
    expect(second).toEqual(first);
  });

  it('keys survive a new store instance (persistent)', async () => {
    const simulator = createBridgeSimulator({ platform: 'android' });
    const info = await new AndroidKeyStore(simulator).generateKey('app.signing', SIGN);
    expect(await new AndroidKeyStore(simulator).getKey('app.signing')).toEqual(info);
  });

  it('deleteKey really deletes, and succeeds again', async () => {
    const { simulator, store } = android();
    await store.generateKey('app.signing', SIGN);
    await store.deleteKey('app.signing');
    await store.deleteKey('app.signing');
    expect(simulator.hasKey('app.signing')).toBe(false);
    expect(await store.getKey('app.signing')).toBeNull();
    expect((await rejection(store.sign('app.signing', Uint8Array.of(1)))).code).toBe(
      'KEY_NOT_FOUND',
    );
  });

  it('lists the aliases it holds', async () => {
    const { store } = android({ apiLevel: 31 });
    await store.generateKey('b.signing', SIGN);
    await store.generateKey('a.encryption', { purpose: 'encrypt', algorithm: 'ECDH-ES' });
    expect((await store.listAliases()).sort()).toEqual(['a.encryption', 'b.signing']);
  });
});
