// IosKeychainKeyStore over the simulated iOS native side: Secure Enclave P-256 only (ECDSA
// from DER, ECDH key exchange), no RSA or Ed25519, reuse windows, enrolment-change detection
// against the saved domain state (.biometryCurrentSet vs .biometryAny), and App Attest.

import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from '../../src/core/base64url.js';
import { concatBytes } from '../../src/core/bytes.js';
import { DeviceBindingError } from '../../src/core/errors.js';
import type { EcPublicJwk } from '../../src/core/jwk.js';
import {
  type AppAttestRequest,
  IosKeychainKeyStore,
  type IosKeychainKeyStoreOptions,
} from '../../src/keystores/ios/index.js';
import { createBridgeSimulator } from '../../src/testing/bridge-simulator/index.js';
import { rejection } from '../helpers/rejection.js';

function ios(
  simulatorOptions: Omit<Parameters<typeof createBridgeSimulator>[0], 'platform'> = {},
  options: IosKeychainKeyStoreOptions = {},
) {
  const simulator = createBridgeSimulator({ platform: 'ios', ...simulatorOptions });
  return { simulator, store: new IosKeychainKeyStore(simulator, options) };
}

const SIGN = { purpose: 'sign', algorithm: 'ES256' } as const;
const CURRENT_SET = {
  ...SIGN,
  userAuthentication: { type: 'biometric', invalidateOnNewEnrollment: true },
} as const;

function peer(): { jwk: EcPublicJwk; secret: Uint8Array } {
  const secret = p256.utils.randomSecretKey();
  const point = p256.getPublicKey(secret, false);
  return {
    secret,
    jwk: {
      kty: 'EC',
      crv: 'P-256',
      x: encodeBase64url(point.subarray(1, 33)),
      y: encodeBase64url(point.subarray(33)),
    },
  };
}

describe('IosKeychainKeyStore capabilities', () => {
  it('with a Secure Enclave: ES256 and ECDH-ES in hardware, no attestation without App Attest', async () => {
    expect(await ios().store.capabilities()).toEqual({
      signing: ['ES256'],
      encryption: ['ECDH-ES'],
      hardwareBacked: true,
      userAuthentication: true,
      attestation: false,
      persistent: true,
    });
  });

  it('declares attestation when the app provides App Attest', async () => {
    const { store } = ios({}, { appAttest: async () => null });
    expect((await store.capabilities()).attestation).toBe(true);
  });

  it('without a Secure Enclave (iOS Simulator) it declares no hardware', async () => {
    expect((await ios({ secureEnclave: false }).store.capabilities()).hardwareBacked).toBe(false);
  });

  it('reports the device facts', async () => {
    expect(await ios({ biometrics: false }).store.deviceInfo()).toEqual({
      secureEnclave: true,
      deviceSecure: true,
      biometrics: false,
    });
  });
});

describe('IosKeychainKeyStore keys', () => {
  it('makes signing keys in the Secure Enclave', async () => {
    const info = await ios().store.generateKey('app.signing', SIGN);
    expect(info).toMatchObject({
      securityLevel: 'secure-enclave',
      hardwareBacked: true,
      algorithm: 'ES256',
    });
  });

  it('makes Keychain (software) keys where there is no Secure Enclave', async () => {
    expect(
      (await ios({ secureEnclave: false }).store.generateKey('app.signing', SIGN)).securityLevel,
    ).toBe('software');
  });

  it('makes a software key when hardware is "none"', async () => {
    expect(
      (await ios().store.generateKey('app.signing', { ...SIGN, hardware: 'none' })).securityLevel,
    ).toBe('software');
  });

  it('refuses "required" without a Secure Enclave', async () => {
    const err = await rejection(
      ios({ secureEnclave: false }).store.generateKey('app.signing', {
        ...SIGN,
        hardware: 'required',
      }),
    );
    expect(err.code).toBe('UNSUPPORTED_ALGORITHM');
  });

  it('refuses RSA keys', async () => {
    const err = await rejection(
      ios().store.generateKey('app.encryption', { purpose: 'encrypt', algorithm: 'RSA-OAEP-256' }),
    );
    expect(err.code).toBe('UNSUPPORTED_ALGORITHM');
  });

  it('refuses Ed25519 keys', async () => {
    expect(
      (
        await rejection(
          ios().store.generateKey('app.signing', { purpose: 'sign', algorithm: 'EdDSA' }),
        )
      ).code,
    ).toBe('UNSUPPORTED_ALGORITHM');
  });

  it('signs in JOSE form over exactly the given bytes', async () => {
    const { store } = ios();
    const info = await store.generateKey('app.signing', SIGN);
    const data = new TextEncoder().encode('some.jws');
    const signature = await store.sign('app.signing', data);
    const { x, y } = info.publicKey as EcPublicJwk;
    const point = concatBytes(Uint8Array.of(4), decodeBase64url(x), decodeBase64url(y));
    expect(p256.verify(signature, data, point, { lowS: false })).toBe(true);
    expect(
      p256.verify(signature, new TextEncoder().encode('some.jwt'), point, { lowS: false }),
    ).toBe(false);
  });

  it('derives the ECDH secret the peer computes (key exchange, not ECIES)', async () => {
    const { store } = ios();
    const info = await store.generateKey('app.encryption', {
      purpose: 'encrypt',
      algorithm: 'ECDH-ES',
    });
    const { jwk, secret } = peer();
    const { x, y } = info.publicKey as EcPublicJwk;
    const device = concatBytes(Uint8Array.of(4), decodeBase64url(x), decodeBase64url(y));
    expect(await store.deriveSharedSecret('app.encryption', jwk)).toEqual(
      p256.getSharedSecret(secret, device, true).subarray(1),
    );
  });

  it('decrypt is unsupported on its keys', async () => {
    const { store } = ios();
    await store.generateKey('app.encryption', { purpose: 'encrypt', algorithm: 'ECDH-ES' });
    expect((await rejection(store.decrypt('app.encryption', new Uint8Array(256)))).code).toBe(
      'UNSUPPORTED_ALGORITHM',
    );
  });

  it('decrypt on an unknown alias gives KEY_NOT_FOUND', async () => {
    expect((await rejection(ios().store.decrypt('app.none', new Uint8Array(256)))).code).toBe(
      'KEY_NOT_FOUND',
    );
  });

  it('refuses a reuse window above 300 s', async () => {
    const spec = {
      ...SIGN,
      userAuthentication: { type: 'biometric', validitySeconds: 301 },
    } as const;
    expect((await rejection(ios().store.generateKey('app.signing', spec))).code).toBe(
      'UNSUPPORTED_ALGORITHM',
    );
  });

  it('accepts a reuse window of 300 s and skips the prompt within it', async () => {
    const { simulator, store } = ios();
    await store.generateKey('app.signing', {
      ...SIGN,
      userAuthentication: { type: 'biometric', validitySeconds: 300 },
    });
    await store.sign('app.signing', Uint8Array.of(1));
    await store.sign('app.signing', Uint8Array.of(2));
    expect(simulator.prompts.length).toBe(1);
  });

  it('shows the per-operation prompt text', async () => {
    const { simulator, store } = ios(
      {},
      { prompts: { sign: { description: 'Sign in' }, agree: { description: 'Open file' } } },
    );
    await store.generateKey('app.signing', CURRENT_SET);
    await store.generateKey('app.encryption', {
      purpose: 'encrypt',
      algorithm: 'ECDH-ES',
      userAuthentication: { type: 'biometric' },
    });
    await store.sign('app.signing', Uint8Array.of(1));
    await store.deriveSharedSecret('app.encryption', peer().jwk);
    expect(simulator.prompts.map((p) => [p.method, p.prompt?.description])).toEqual([
      ['sign', 'Sign in'],
      ['agree', 'Open file'],
    ]);
  });
});

describe('IosKeychainKeyStore enrolment changes', () => {
  it('.biometryCurrentSet key after re-enrolment: getKey and sign give KEY_INVALIDATED', async () => {
    const { simulator, store } = ios();
    await store.generateKey('app.signing', CURRENT_SET);
    simulator.enrollBiometric();
    expect((await rejection(store.getKey('app.signing'))).code).toBe('KEY_INVALIDATED');
    expect((await rejection(store.sign('app.signing', Uint8Array.of(1)))).code).toBe(
      'KEY_INVALIDATED',
    );
  });

  it('a key that also accepts the passcode still reports the enrolment change', async () => {
    const { simulator, store } = ios();
    await store.generateKey('app.signing', {
      ...SIGN,
      userAuthentication: { type: 'biometric-or-device-credential' },
    });
    simulator.enrollBiometric();
    expect((await rejection(store.sign('app.signing', Uint8Array.of(1)))).code).toBe(
      'KEY_INVALIDATED',
    );
  });

  it('.biometryAny key (invalidateOnNewEnrollment: false) keeps working', async () => {
    const { simulator, store } = ios();
    await store.generateKey('app.signing', {
      ...SIGN,
      userAuthentication: { type: 'biometric', invalidateOnNewEnrollment: false },
    });
    simulator.enrollBiometric();
    expect((await store.sign('app.signing', Uint8Array.of(1))).length).toBe(64);
  });

  it('asks the native side to check the enrolment on getKey, sign and agree', async () => {
    const { simulator, store } = ios();
    await store.generateKey('app.signing', SIGN);
    await store.generateKey('app.encryption', { purpose: 'encrypt', algorithm: 'ECDH-ES' });
    await store.getKey('app.signing');
    await store.sign('app.signing', Uint8Array.of(1));
    await store.deriveSharedSecret('app.encryption', peer().jwk);
    const checked = simulator.calls
      .filter((c) => ['getKey', 'sign', 'agree'].includes(c.method))
      .map((c) => c.params.checkEnrollment);
    expect(checked).toEqual([true, true, true]);
  });

  it('without the check, a re-enrolled .biometryCurrentSet key fails with a reason that does not say why', async () => {
    const { simulator, store } = ios({}, { checkEnrollment: false });
    await store.generateKey('app.signing', CURRENT_SET);
    simulator.enrollBiometric();
    expect((await rejection(store.sign('app.signing', Uint8Array.of(1)))).code).toBe(
      'AUTHENTICATION_FAILED',
    );
  });

  it('an invalidated key can be deleted and made again', async () => {
    const { simulator, store } = ios();
    await store.generateKey('app.signing', CURRENT_SET);
    simulator.enrollBiometric();
    await store.deleteKey('app.signing');
    await store.generateKey('app.signing', CURRENT_SET);
    expect((await store.sign('app.signing', Uint8Array.of(1))).length).toBe(64);
  });

  it('refuses a checkEnrollment option that is not a boolean', () => {
    expect(
      () =>
        new IosKeychainKeyStore(createBridgeSimulator({ platform: 'ios' }), {
          checkEnrollment: 'yes' as unknown as boolean,
        }),
    ).toThrow(DeviceBindingError);
  });
});

describe('IosKeychainKeyStore App Attest', () => {
  const attestationObject = Uint8Array.from({ length: 300 }, (_, i) => i & 255);

  it('asks the app to attest a new key over its public key and the challenge, and keeps the result', async () => {
    const requests: AppAttestRequest[] = [];
    const { simulator, store } = ios(
      {},
      {
        appAttest: async (request) => {
          requests.push(request);
          return { keyId: 'bXkta2V5LWlk', attestationObject };
        },
      },
    );
    const challenge = Uint8Array.of(9, 8, 7);
    const info = await store.generateKey('app.signing', {
      ...SIGN,
      attestationChallenge: challenge,
    });
    const { x, y } = info.publicKey as EcPublicJwk;
    const expectedHash = sha256(
      concatBytes(
        new TextEncoder().encode(`{"crv":"P-256","kty":"EC","x":"${x}","y":"${y}"}`),
        challenge,
      ),
    );
    expect(requests[0]?.clientDataHash).toEqual(expectedHash);
    expect(requests[0]).toMatchObject({ alias: 'app.signing', purpose: 'sign', challenge });
    expect(info.attestation).toEqual({
      format: 'apple-app-attest',
      keyId: 'bXkta2V5LWlk',
      attestationObject: encodeBase64url(attestationObject),
    });
    expect((await new IosKeychainKeyStore(simulator).getKey('app.signing'))?.attestation).toEqual(
      info.attestation,
    );
  });

  it('leaves the key unattested when the app returns null', async () => {
    const { store } = ios({}, { appAttest: async () => null });
    expect((await store.generateKey('app.signing', SIGN)).attestation).toBeUndefined();
  });

  it('does not call the provider for an existing key', async () => {
    let calls = 0;
    const { store } = ios(
      {},
      {
        appAttest: async () => {
          calls++;
          return null;
        },
      },
    );
    await store.generateKey('app.signing', SIGN);
    await store.generateKey('app.signing', SIGN);
    expect(calls).toBe(1);
  });

  it('a failing provider gives KEYSTORE_ERROR and the key is not kept', async () => {
    const { simulator, store } = ios(
      {},
      { appAttest: async () => Promise.reject(new Error('DCError.serverUnavailable')) },
    );
    expect((await rejection(store.generateKey('app.signing', SIGN))).code).toBe('KEYSTORE_ERROR');
    expect(simulator.hasKey('app.signing')).toBe(false);
  });

  it('a malformed provider result gives INVALID_ARGUMENT and the key is not kept', async () => {
    const { simulator, store } = ios(
      {},
      {
        appAttest: async () => ({
          keyId: 'id',
          attestationObject: 'text' as unknown as Uint8Array,
        }),
      },
    );
    expect((await rejection(store.generateKey('app.signing', SIGN))).code).toBe('INVALID_ARGUMENT');
    expect(simulator.hasKey('app.signing')).toBe(false);
  });

  it('refuses an appAttest option that is not a function', () => {
    const options = { appAttest: 'yes' } as unknown as IosKeychainKeyStoreOptions;
    expect(
      () => new IosKeychainKeyStore(createBridgeSimulator({ platform: 'ios' }), options),
    ).toThrow(/appAttest/);
  });
});

describe('IosKeychainKeyStore key lifecycle', () => {
  it('concurrent generateKey calls for one alias make one key', async () => {
    const { simulator, store } = ios();
    const keys = await Promise.all(
      Array.from({ length: 6 }, () => store.generateKey('app.signing', SIGN)),
    );
    expect(new Set(keys.map((k) => k.publicKey.kty === 'EC' && k.publicKey.x)).size).toBe(1);
    expect(simulator.calls.filter((c) => c.method === 'generateKey').length).toBe(1);
  });

  it('keys survive a new store instance, and deleted keys are gone', async () => {
    const simulator = createBridgeSimulator({ platform: 'ios' });
    await new IosKeychainKeyStore(simulator).generateKey('app.signing', SIGN);
    const again = new IosKeychainKeyStore(simulator);
    expect(await again.listAliases()).toEqual(['app.signing']);
    await again.deleteKey('app.signing');
    expect(await new IosKeychainKeyStore(simulator).getKey('app.signing')).toBeNull();
  });
});
