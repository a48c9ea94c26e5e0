// The bridge simulator on its own, spoken to through the raw protocol: options, JSON on the
// wire, DER signatures, the platform refusals of the reference native code, RSA-OAEP with a
// separate MGF1 hash, and the fault-injection controls.

import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from '../../src/core/base64url.js';
import { concatBytes } from '../../src/core/bytes.js';
import { DeviceBindingError } from '../../src/core/errors.js';
import { AndroidKeyStore } from '../../src/keystores/android/index.js';
import { readDerChildren, readWholeDer } from '../../src/keystores/bridge/der.js';
import {
  type BridgeSimulator,
  createBridgeSimulator,
} from '../../src/testing/bridge-simulator/index.js';
import { rsaKeyFromJwk, rsaOaepDecrypt } from '../../src/testing/bridge-simulator/rsa.js';
import { fixedRsaJwk } from '../envelope/helpers/devices.js';

const NONE = { type: 'none', validitySeconds: 0, invalidateOnNewEnrollment: false };
const PER_USE_BIOMETRIC = {
  type: 'biometric',
  validitySeconds: 0,
  invalidateOnNewEnrollment: true,
};

async function nativeCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
    return (err as { code: string }).code;
  }
  throw new Error('expected a rejection');
}

function generate(simulator: BridgeSimulator, params: Record<string, unknown>) {
  return simulator.call('generateKey', {
    alias: 'k',
    userAuthentication: NONE,
    strongBox: false,
    ...params,
  });
}

const hexToBytes = (hex: string) =>
  Uint8Array.from(hex.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const toBig = (bytes: Uint8Array) =>
  BigInt(`0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('') || '0'}`);

describe('createBridgeSimulator options', () => {
  const bad: [string, Record<string, unknown>][] = [
    ['an unknown platform', { platform: 'windows' }],
    ['API level 23', { platform: 'android', apiLevel: 23 }],
    ['API level 37', { platform: 'android', apiLevel: 37 }],
    ['a fractional API level', { platform: 'android', apiLevel: 30.5 }],
    ['StrongBox on iOS', { platform: 'ios', strongBox: true }],
    ['StrongBox below API 28', { platform: 'android', apiLevel: 27, strongBox: true }],
    ['a negative latency', { platform: 'android', latencyMs: -1 }],
    ['a clock that is not a function', { platform: 'ios', now: 5 }],
    ['a flag that is not a boolean', { platform: 'ios', biometrics: 'yes' }],
    ['an unknown reported security level', { platform: 'android', reportedSecurityLevel: 'tee' }],
    [
      'a reported security level below API 31 (there is no KeyInfo.getSecurityLevel)',
      { platform: 'android', apiLevel: 30, reportedSecurityLevel: 'unknown' },
    ],
    ['a reported security level on iOS', { platform: 'ios', reportedSecurityLevel: 'unknown' }],
  ];
  for (const [label, options] of bad) {
    it(`refuses ${label}`, () => {
      expect(() =>
        createBridgeSimulator(options as unknown as Parameters<typeof createBridgeSimulator>[0]),
      ).toThrow(DeviceBindingError);
    });
  }

  it('answers getInfo with the device facts it was given', async () => {
    const simulator = createBridgeSimulator({
      platform: 'android',
      apiLevel: 29,
      strongBox: true,
      biometrics: false,
    });
    expect(await simulator.call('getInfo', {})).toEqual({
      protocolVersion: 1,
      platform: 'android',
      apiLevel: 29,
      hardwareBacked: true,
      strongBox: true,
      deviceSecure: true,
      biometrics: false,
      contentDecryption: { maxBytes: 64 * 1024 * 1024 },
    });
  });

  it('a module from before decryptContent advertises nothing and does not know the method', async () => {
    const simulator = createBridgeSimulator({ platform: 'ios', contentDecryption: false });
    expect(await simulator.call('getInfo', {})).not.toHaveProperty('contentDecryption');
    expect(await nativeCode(simulator.call('decryptContent', {}))).toBe('UnknownMethod');
  });
});

// What the reference native code refuses (docs/bridge-protocol.md, "Parameter validation"):
// Kotlin reads members by type, not with optString/optJSONObject, and Swift tells JSON
// booleans from numbers, so neither coerces what the simulator refuses.
describe('parameter validation, as the corrected native code does it', () => {
  const SIGNING = { alias: 'k2', purpose: 'sign', algorithm: 'ES256', userAuthentication: NONE };
  const cases = (flag: string): [string, string, Record<string, unknown>][] => [
    ['a number as the alias (optString would read "5")', 'getKey', { alias: 5 }],
    ['null as the alias (optString would read "null")', 'getKey', { alias: null }],
    ['an alias missing', 'getKey', {}],
    ['1 as a boolean (Swift would read true)', 'generateKey', { ...SIGNING, [flag]: 1 }],
    ['0 as a boolean (Swift would read false)', 'generateKey', { ...SIGNING, [flag]: 0 }],
    ['null as a boolean', 'generateKey', { ...SIGNING, [flag]: null }],
    [
      'true as validitySeconds (Swift would read 1)',
      'generateKey',
      { ...SIGNING, userAuthentication: { ...PER_USE_BIOMETRIC, validitySeconds: true } },
    ],
    [
      'a fractional validitySeconds',
      'generateKey',
      { ...SIGNING, userAuthentication: { ...PER_USE_BIOMETRIC, validitySeconds: 1.5 } },
    ],
    [
      '1 as invalidateOnNewEnrollment',
      'generateKey',
      { ...SIGNING, userAuthentication: { ...PER_USE_BIOMETRIC, invalidateOnNewEnrollment: 1 } },
    ],
    ['a number as the purpose', 'generateKey', { ...SIGNING, purpose: 1 }],
    ['a prompt that is a string (optJSONObject would ignore it)', 'sign', { prompt: 'hi' }],
    ['a prompt text that is a number', 'sign', { prompt: { title: 5 } }],
    ['data given as a number', 'sign', { data: 12 }],
  ];
  for (const [platform, flag] of [
    ['android', 'strongBox'],
    ['ios', 'secureEnclave'],
  ] as const) {
    for (const [label, method, params] of cases(flag)) {
      it(`${platform} refuses ${label} with InvalidParams`, async () => {
        const simulator = createBridgeSimulator({ platform });
        await generate(simulator, { purpose: 'sign', algorithm: 'ES256' });
        const full = method === 'sign' ? { alias: 'k', data: 'AQ', ...params } : params;
        expect(await nativeCode(simulator.call(method, full))).toBe('InvalidParams');
      });
    }
  }

  it('android refuses a string as the modulus length with InvalidParams', async () => {
    const simulator = createBridgeSimulator({ platform: 'android', apiLevel: 28 });
    const params = { ...SIGNING, purpose: 'encrypt', algorithm: 'RSA-OAEP', modulusLength: '2048' };
    expect(await nativeCode(simulator.call('generateKey', params))).toBe('InvalidParams');
  });

  it('ios refuses 1 as checkEnrollment with InvalidParams', async () => {
    const simulator = createBridgeSimulator({ platform: 'ios' });
    await generate(simulator, { purpose: 'sign', algorithm: 'ES256' });
    expect(await nativeCode(simulator.call('getKey', { alias: 'k', checkEnrollment: 1 }))).toBe(
      'InvalidParams',
    );
  });
});

describe('the simulated wire', () => {
  it('records parameters as JSON, the way native code receives them', async () => {
    const simulator = createBridgeSimulator({ platform: 'ios' });
    await simulator.call('listAliases', { extra: undefined, when: new Date(0) });
    expect(simulator.calls[0]).toEqual({
      method: 'listAliases',
      params: { when: '1970-01-01T00:00:00.000Z' },
    });
  });

  it('rejects parameters that are not JSON with InvalidParams', async () => {
    const simulator = createBridgeSimulator({ platform: 'android' });
    expect(await nativeCode(simulator.call('getKey', { alias: 10n }))).toBe('InvalidParams');
  });

  it('rejects an unknown method with UnknownMethod', async () => {
    expect(
      await nativeCode(createBridgeSimulator({ platform: 'android' }).call('exportPrivateKey', {})),
    ).toBe('UnknownMethod');
  });

  it('rejects a malformed alias with InvalidParams', async () => {
    expect(
      await nativeCode(createBridgeSimulator({ platform: 'ios' }).call('getKey', { alias: '' })),
    ).toBe('InvalidParams');
  });

  it('rejects data that is not base64url with InvalidParams', async () => {
    const simulator = createBridgeSimulator({ platform: 'android' });
    await generate(simulator, { purpose: 'sign', algorithm: 'ES256' });
    expect(await nativeCode(simulator.call('sign', { alias: 'k', data: 'a+b/' }))).toBe(
      'InvalidParams',
    );
  });

  it('returns DER signatures and SubjectPublicKeyInfo public keys, with no private member', async () => {
    for (const platform of ['android', 'ios'] as const) {
      const simulator = createBridgeSimulator({ platform });
      const { key } = (await generate(simulator, {
        purpose: 'sign',
        algorithm: 'ES256',
        secureEnclave: true,
      })) as {
        key: Record<string, unknown>;
      };
      expect(Object.keys(key).sort()).toEqual([
        'algorithm',
        'alias',
        'createdAt',
        'publicKey',
        'purpose',
        'securityLevel',
        'userAuthentication',
      ]);
      expect(
        readDerChildren(readWholeDer(decodeBase64url(key.publicKey as string), 0x30)).length,
      ).toBe(2);
      const { signature } = (await simulator.call('sign', {
        alias: 'k',
        data: encodeBase64url(Uint8Array.of(1)),
      })) as { signature: string };
      expect(
        readDerChildren(readWholeDer(decodeBase64url(signature), 0x30)).map((e) => e.tag),
      ).toEqual([0x02, 0x02]);
    }
  });

  it('answers generateKey for an existing alias with created: false and the same key', async () => {
    const simulator = createBridgeSimulator({ platform: 'ios' });
    const first = (await generate(simulator, { purpose: 'sign', algorithm: 'ES256' })) as {
      created: boolean;
      key: unknown;
    };
    const second = (await generate(simulator, { purpose: 'encrypt', algorithm: 'ECDH-ES' })) as {
      created: boolean;
      key: unknown;
    };
    expect([first.created, second.created]).toEqual([true, false]);
    expect(second.key).toEqual(first.key);
  });
});

describe('platform refusals of the simulated native code', () => {
  it('Android below API 31 refuses ECDH keys', async () => {
    const simulator = createBridgeSimulator({ platform: 'android', apiLevel: 30 });
    expect(
      await nativeCode(generate(simulator, { purpose: 'encrypt', algorithm: 'ECDH-ES' })),
    ).toBe('UnsupportedAlgorithm');
  });

  it('Android below API 35 refuses RSA-OAEP-256 keys', async () => {
    const simulator = createBridgeSimulator({ platform: 'android', apiLevel: 34 });
    const params = { purpose: 'encrypt', algorithm: 'RSA-OAEP-256', modulusLength: 2048 };
    expect(await nativeCode(generate(simulator, params))).toBe('UnsupportedAlgorithm');
  });

  it('Android refuses Ed25519 keys', async () => {
    expect(
      await nativeCode(
        generate(createBridgeSimulator({ platform: 'android' }), {
          purpose: 'sign',
          algorithm: 'EdDSA',
        }),
      ),
    ).toBe('UnsupportedAlgorithm');
  });

  it('Android StrongBox refuses RSA keys above 2048 bits', async () => {
    const simulator = createBridgeSimulator({ platform: 'android', apiLevel: 33, strongBox: true });
    const params = {
      purpose: 'encrypt',
      algorithm: 'RSA-OAEP',
      modulusLength: 3072,
      strongBox: true,
    };
    expect(await nativeCode(generate(simulator, params))).toBe('StrongBoxUnavailableException');
  });

  it('Android without StrongBox refuses a StrongBox key', async () => {
    const simulator = createBridgeSimulator({ platform: 'android', apiLevel: 33 });
    expect(
      await nativeCode(
        generate(simulator, { purpose: 'sign', algorithm: 'ES256', strongBox: true }),
      ),
    ).toBe('StrongBoxUnavailableException');
  });

  it('Android refuses user authentication without a lock screen (InvalidAlgorithmParameterException)', async () => {
    const simulator = createBridgeSimulator({ platform: 'android', deviceSecure: false });
    const params = { purpose: 'sign', algorithm: 'ES256', userAuthentication: PER_USE_BIOMETRIC };
    expect(await nativeCode(generate(simulator, params))).toBe(
      'InvalidAlgorithmParameterException',
    );
  });

  it('Android below API 30 refuses a per-use key that accepts the device credential', async () => {
    const simulator = createBridgeSimulator({ platform: 'android', apiLevel: 29 });
    const userAuthentication = { ...PER_USE_BIOMETRIC, type: 'biometric-or-device-credential' };
    expect(
      await nativeCode(
        generate(simulator, { purpose: 'sign', algorithm: 'ES256', userAuthentication }),
      ),
    ).toBe('UnsupportedAlgorithm');
  });

  it('Android has no setAttestation method', async () => {
    expect(
      await nativeCode(
        createBridgeSimulator({ platform: 'android' }).call('setAttestation', { alias: 'k' }),
      ),
    ).toBe('UnknownMethod');
  });

  it('iOS refuses RSA keys', async () => {
    const params = { purpose: 'encrypt', algorithm: 'RSA-OAEP', modulusLength: 2048 };
    expect(await nativeCode(generate(createBridgeSimulator({ platform: 'ios' }), params))).toBe(
      'UnsupportedAlgorithm',
    );
  });

  it('iOS refuses user authentication without a passcode (LAErrorPasscodeNotSet)', async () => {
    const simulator = createBridgeSimulator({ platform: 'ios', deviceSecure: false });
    const params = { purpose: 'sign', algorithm: 'ES256', userAuthentication: PER_USE_BIOMETRIC };
    expect(await nativeCode(generate(simulator, params))).toBe('LAErrorPasscodeNotSet');
  });

  it('iOS refuses a Secure Enclave key on a device without one', async () => {
    const simulator = createBridgeSimulator({ platform: 'ios', secureEnclave: false });
    expect(
      await nativeCode(
        generate(simulator, { purpose: 'sign', algorithm: 'ES256', secureEnclave: true }),
      ),
    ).toBe('errSecUnimplemented');
  });

  it('iOS stores an App Attest result with the key', async () => {
    const simulator = createBridgeSimulator({ platform: 'ios' });
    await generate(simulator, { purpose: 'sign', algorithm: 'ES256' });
    await simulator.call('setAttestation', {
      alias: 'k',
      attestation: { keyId: 'abc=', attestationObject: 'AAEC' },
    });
    expect(
      ((await simulator.call('getKey', { alias: 'k' })) as { attestation: unknown }).attestation,
    ).toEqual({
      keyId: 'abc=',
      attestationObject: 'AAEC',
    });
  });

  it('iOS refuses a malformed App Attest result', async () => {
    const simulator = createBridgeSimulator({ platform: 'ios' });
    await generate(simulator, { purpose: 'sign', algorithm: 'ES256' });
    const params = { alias: 'k', attestation: { keyId: 'abc', attestationObject: '***' } };
    expect(await nativeCode(simulator.call('setAttestation', params))).toBe('InvalidParams');
  });
});

describe('simulated RSA-OAEP: label hash and MGF1 hash chosen separately', () => {
  // Wycheproof's cases for this decryption run in test/vectors/simulator-rsa-oaep.test.ts.
  const key = rsaKeyFromJwk(fixedRsaJwk('a'));

  /** RSAES-OAEP encryption (RFC 8017 §7.1.1) with separate hashes, for the hybrid Android < 35 uses. */
  function oaepEncrypt(
    message: Uint8Array,
    hash: (d: Uint8Array) => Uint8Array,
    mgfHash: (d: Uint8Array) => Uint8Array,
  ): Uint8Array {
    const k = key.length;
    const lHash = hash(new Uint8Array(0));
    const hLen = lHash.length;
    const db = concatBytes(
      lHash,
      new Uint8Array(k - message.length - 2 * hLen - 2),
      Uint8Array.of(1),
      message,
    );
    const seed = crypto.getRandomValues(new Uint8Array(hLen));
    const mgf = (input: Uint8Array, length: number) => {
      const out: Uint8Array[] = [];
      for (let c = 0; out.length * mgfHash(new Uint8Array(0)).length < length; c++)
        out.push(mgfHash(concatBytes(input, Uint8Array.of(0, 0, 0, c))));
      return concatBytes(...out).subarray(0, length);
    };
    const maskedDb = db.map((b, i) => b ^ mgf(seed, k - hLen - 1)[i]!);
    const maskedSeed = seed.map((b, i) => b ^ mgf(maskedDb, hLen)[i]!);
    const m = toBig(concatBytes(Uint8Array.of(0), maskedSeed, maskedDb));
    let c = 1n;
    for (let base = m % key.n, e = key.e; e > 0n; e >>= 1n, base = (base * base) % key.n)
      if (e & 1n) c = (c * base) % key.n;
    return hexToBytes(c.toString(16).padStart(k * 2, '0'));
  }

  it('opens SHA-256 OAEP with MGF1-SHA-1 when told to, as Android Keystore does before API 35', () => {
    const message = Uint8Array.of(1, 2, 3, 4);
    expect(rsaOaepDecrypt(key, oaepEncrypt(message, sha256, sha1), 'SHA-256', 'SHA-1')).toEqual(
      message,
    );
  });

  it('then does not open standard RSA-OAEP-256 (MGF1-SHA-256)', () => {
    expect(() =>
      rsaOaepDecrypt(key, oaepEncrypt(Uint8Array.of(1), sha256, sha256), 'SHA-256', 'SHA-1'),
    ).toThrow(/decryption error/);
  });
});

describe('fault injection', () => {
  it('failNext fails only the next call of that method, in order', async () => {
    const simulator = createBridgeSimulator({ platform: 'android' });
    simulator.failNext('listAliases', 'First');
    simulator.failNext('listAliases', 'Second');
    expect(await nativeCode(simulator.call('listAliases', {}))).toBe('First');
    expect(await simulator.call('getInfo', {})).toMatchObject({ platform: 'android' });
    expect(await nativeCode(simulator.call('listAliases', {}))).toBe('Second');
    expect(await simulator.call('listAliases', {})).toEqual({ aliases: [] });
  });

  it('hangNext leaves the call unanswered', async () => {
    const simulator = createBridgeSimulator({ platform: 'ios' });
    simulator.hangNext('getInfo');
    const outcome = await Promise.race([
      simulator.call('getInfo', {}),
      new Promise((resolve) => setTimeout(() => resolve('pending'), 50)),
    ]);
    expect(outcome).toBe('pending');
  });

  it('latencyMs delays every answer (an adapter with a shorter timeout gives up)', async () => {
    const simulator = createBridgeSimulator({ platform: 'android', latencyMs: 200 });
    const err = await new AndroidKeyStore(simulator, { timeoutMs: 5 })
      .capabilities()
      .catch((e: unknown) => e);
    expect((err as DeviceBindingError).code).toBe('TIMEOUT');
    expect(await new AndroidKeyStore(simulator).capabilities()).toMatchObject({
      signing: ['ES256'],
    });
  });

  it('corruptNext replaces one answer', async () => {
    const simulator = createBridgeSimulator({ platform: 'ios' });
    simulator.corruptNext('listAliases', () => 'garbage');
    expect(await simulator.call('listAliases', {})).toBe('garbage');
    expect(await simulator.call('listAliases', {})).toEqual({ aliases: [] });
  });

  it('resetFaults drops pending faults and prompt outcomes', async () => {
    const simulator = createBridgeSimulator({ platform: 'android' });
    simulator.failNext('listAliases', 'Boom');
    simulator.nextPrompt('cancel');
    simulator.resetFaults();
    expect(await simulator.call('listAliases', {})).toEqual({ aliases: [] });
    await generate(simulator, {
      purpose: 'sign',
      algorithm: 'ES256',
      userAuthentication: PER_USE_BIOMETRIC,
    });
    await simulator.call('sign', { alias: 'k', data: 'AQ' });
    expect(simulator.prompts.map((p) => p.outcome)).toEqual(['approve']);
  });

  it('refuses a prompt outcome the platform does not have', () => {
    expect(() => createBridgeSimulator({ platform: 'ios' }).nextPrompt('negative-button')).toThrow(
      DeviceBindingError,
    );
    expect(() => createBridgeSimulator({ platform: 'android' }).nextPrompt('fail')).toThrow(
      DeviceBindingError,
    );
  });

  it('refuses a fault for a method the protocol does not have', () => {
    expect(() =>
      createBridgeSimulator({ platform: 'ios' }).failNext('format' as 'sign', 'X'),
    ).toThrow(DeviceBindingError);
  });

  it('refuses to invalidate a key it does not hold', () => {
    expect(() => createBridgeSimulator({ platform: 'ios' }).invalidateKey('nothing')).toThrow(
      DeviceBindingError,
    );
  });

  it('invalidateKey makes one Android key unusable', async () => {
    const simulator = createBridgeSimulator({ platform: 'android' });
    await generate(simulator, { purpose: 'sign', algorithm: 'ES256' });
    simulator.invalidateKey('k');
    expect(await nativeCode(simulator.call('sign', { alias: 'k', data: 'AQ' }))).toBe(
      'KeyPermanentlyInvalidatedException',
    );
  });

  it('invalidateKey makes one iOS key fail its enrolment check', async () => {
    const simulator = createBridgeSimulator({ platform: 'ios' });
    await generate(simulator, { purpose: 'sign', algorithm: 'ES256' });
    simulator.invalidateKey('k');
    expect(
      await nativeCode(simulator.call('sign', { alias: 'k', data: 'AQ', checkEnrollment: true })),
    ).toBe('EnrollmentChanged');
  });
});
