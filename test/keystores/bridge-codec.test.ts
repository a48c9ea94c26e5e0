// The adapters' defences against what native code returns: DER → JOSE signature conversion, SubjectPublicKeyInfo parsing with curve and modulus checks,
// key-record validation, and the native-error mapping.

import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from '../../src/core/base64url.js';
import { concatBytes } from '../../src/core/bytes.js';
import { DeviceBindingError } from '../../src/core/errors.js';
import type { EcPublicJwk } from '../../src/core/jwk.js';
import { parseKeyRecord } from '../../src/keystores/bridge/key-record.js';
import { mapNativeError } from '../../src/keystores/bridge/native-errors.js';
import {
  ecJwkFromSpki,
  P256_SPKI_PREFIX,
  peerPointFromJwk,
  RSA_ALGORITHM_IDENTIFIER,
  rsaJwkFromSpki,
} from '../../src/keystores/bridge/public-keys.js';
import { derToJoseSignature } from '../../src/keystores/bridge/signature.js';
import {
  derBitString,
  derInteger,
  derSequence,
} from '../../src/testing/bridge-simulator/der-writer.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(DeviceBindingError);
    return (err as DeviceBindingError).code;
  }
  return undefined;
}

const ANDROID_RULES = {
  platform: 'android' as const,
  algorithms: ['ES256', 'ECDH-ES', 'RSA-OAEP-256', 'RSA-OAEP'] as const,
  securityLevels: ['software', 'tee', 'strongbox'] as const,
};
const IOS_RULES = {
  platform: 'ios' as const,
  algorithms: ['ES256', 'ECDH-ES'] as const,
  securityLevels: ['software', 'secure-enclave'] as const,
};

function p256Spki(): { spki: Uint8Array; point: Uint8Array } {
  const point = p256.getPublicKey(p256.utils.randomSecretKey(), false);
  return { spki: concatBytes(P256_SPKI_PREFIX, point), point };
}

async function rsaSpki(modulusLength: number): Promise<Uint8Array> {
  const pair = await crypto.subtle.generateKey(
    { name: 'RSA-OAEP', modulusLength, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' },
    true,
    ['encrypt', 'decrypt'],
  );
  return new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
}

function record(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    alias: 'app.signing',
    purpose: 'sign',
    algorithm: 'ES256',
    publicKey: encodeBase64url(p256Spki().spki),
    securityLevel: 'tee',
    userAuthentication: { type: 'none', validitySeconds: 0, invalidateOnNewEnrollment: false },
    createdAt: 1_700_000_000_000,
    ...overrides,
  };
}

describe('DER → JOSE signature conversion', () => {
  // Wycheproof's DER cases for this conversion run in test/vectors/bridge-der-signature.test.ts.
  it('converts a DER signature to a 64-byte r ‖ s that verifies', () => {
    const secret = p256.utils.randomSecretKey();
    const message = Uint8Array.of(1, 2, 3);
    const jose = derToJoseSignature(p256.sign(message, secret, { format: 'der' }));
    expect(jose.length).toBe(64);
    expect(p256.verify(jose, message, p256.getPublicKey(secret), { lowS: false })).toBe(true);
  });

  it('refuses a BER signature (a long-form length where DER has the short form)', () => {
    const der = p256.sign(new Uint8Array(3), p256.utils.randomSecretKey(), { format: 'der' });
    const ber = concatBytes(Uint8Array.of(0x30, 0x81, der[1]!), der.subarray(2));
    expect(codeOf(() => derToJoseSignature(ber))).toBe('KEYSTORE_ERROR');
  });

  it('refuses an empty signature', () => {
    expect(codeOf(() => derToJoseSignature(new Uint8Array(0)))).toBe('KEYSTORE_ERROR');
  });

  it('refuses a signature with trailing bytes', () => {
    const der = p256.sign(new Uint8Array(3), p256.utils.randomSecretKey(), { format: 'der' });
    expect(codeOf(() => derToJoseSignature(concatBytes(der, Uint8Array.of(0))))).toBe(
      'KEYSTORE_ERROR',
    );
  });

  it('refuses r = 0', () => {
    expect(codeOf(() => derToJoseSignature(derSequence(derInteger(0), derInteger(1))))).toBe(
      'KEYSTORE_ERROR',
    );
  });

  it('refuses s equal to the group order', () => {
    expect(
      codeOf(() => derToJoseSignature(derSequence(derInteger(1), derInteger(p256.Point.Fn.ORDER)))),
    ).toBe('KEYSTORE_ERROR');
  });

  it('refuses a raw 64-byte signature where DER is expected', () => {
    const raw = p256.sign(new Uint8Array(3), p256.utils.randomSecretKey());
    expect(codeOf(() => derToJoseSignature(raw))).toBe('KEYSTORE_ERROR');
  });
});

describe('SubjectPublicKeyInfo from native code', () => {
  it('reads a P-256 key into x and y', () => {
    const { spki, point } = p256Spki();
    const jwk = ecJwkFromSpki(spki, 'key');
    expect(decodeBase64url(jwk.x)).toEqual(point.subarray(1, 33));
    expect(decodeBase64url(jwk.y)).toEqual(point.subarray(33));
  });

  it('refuses a point that is not on the curve', () => {
    const { spki } = p256Spki();
    spki[spki.length - 1]! ^= 1;
    expect(codeOf(() => ecJwkFromSpki(spki, 'key'))).toBe('KEYSTORE_ERROR');
  });

  it('refuses a compressed point', () => {
    const point = p256.getPublicKey(p256.utils.randomSecretKey(), true);
    expect(codeOf(() => ecJwkFromSpki(concatBytes(P256_SPKI_PREFIX, point), 'key'))).toBe(
      'KEYSTORE_ERROR',
    );
  });

  it('refuses a key whose curve OID is not prime256v1', () => {
    const { spki } = p256Spki();
    // Last byte of the curve OID: 1.2.840.10045.3.1.7 becomes 1.2.840.10045.3.1.8.
    spki[22] = 0x08;
    expect(codeOf(() => ecJwkFromSpki(spki, 'key'))).toBe('KEYSTORE_ERROR');
  });

  it('refuses a truncated P-256 key', () => {
    expect(codeOf(() => ecJwkFromSpki(p256Spki().spki.subarray(0, 90), 'key'))).toBe(
      'KEYSTORE_ERROR',
    );
  });

  it('reads a 2048-bit RSA key', async () => {
    const jwk = rsaJwkFromSpki(await rsaSpki(2048), 'key');
    expect(decodeBase64url(jwk.n).length).toBe(256);
    expect(jwk.e).toBe('AQAB');
  });

  it('refuses a 1024-bit RSA key', async () => {
    const spki = await rsaSpki(1024);
    expect(codeOf(() => rsaJwkFromSpki(spki, 'key'))).toBe('KEYSTORE_ERROR');
  });

  it('refuses an RSA key with an even exponent', async () => {
    const n = decodeBase64url(rsaJwkFromSpki(await rsaSpki(2048), 'key').n);
    const modulus = BigInt(`0x${Array.from(n, (b) => b.toString(16).padStart(2, '0')).join('')}`);
    const spki = derSequence(
      RSA_ALGORITHM_IDENTIFIER,
      derBitString(derSequence(derInteger(modulus), derInteger(65538))),
    );
    expect(codeOf(() => rsaJwkFromSpki(spki, 'key'))).toBe('KEYSTORE_ERROR');
  });

  it('refuses an RSA key with trailing bytes', async () => {
    const spki = concatBytes(await rsaSpki(2048), Uint8Array.of(0));
    expect(codeOf(() => rsaJwkFromSpki(spki, 'key'))).toBe('KEYSTORE_ERROR');
  });

  it('refuses an EC key where an RSA key is expected', () => {
    expect(codeOf(() => rsaJwkFromSpki(p256Spki().spki, 'key'))).toBe('KEYSTORE_ERROR');
  });

  it('refuses a peer public key that is not on the curve, as INVALID_ARGUMENT', () => {
    const point = p256.getPublicKey(p256.utils.randomSecretKey(), false);
    point[64]! ^= 1;
    const jwk: EcPublicJwk = {
      kty: 'EC',
      crv: 'P-256',
      x: encodeBase64url(point.subarray(1, 33)),
      y: encodeBase64url(point.subarray(33)),
    };
    expect(codeOf(() => peerPointFromJwk(jwk, 'peer'))).toBe('INVALID_ARGUMENT');
  });
});

describe('key records from native code', () => {
  it('turns a valid record into KeyInfo without the policy "none"', () => {
    const info = parseKeyRecord(record(), 'app.signing', ANDROID_RULES);
    expect(info).toMatchObject({
      alias: 'app.signing',
      purpose: 'sign',
      algorithm: 'ES256',
      securityLevel: 'tee',
      hardwareBacked: true,
    });
    expect(info.publicKey).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
    });
    expect(info.userAuthentication).toBeUndefined();
  });

  it('gives encryption keys the JWE alg they open', () => {
    const info = parseKeyRecord(
      record({ purpose: 'encrypt', algorithm: 'ECDH-ES', securityLevel: 'secure-enclave' }),
      'app.signing',
      IOS_RULES,
    );
    expect(info.publicKey).toMatchObject({ use: 'enc', alg: 'ECDH-ES+A256KW' });
  });

  it('refuses a record carrying a private member', () => {
    expect(codeOf(() => parseKeyRecord(record({ d: 'AAAA' }), 'app.signing', ANDROID_RULES))).toBe(
      'KEYSTORE_ERROR',
    );
  });

  it('refuses a record carrying a privateKey', () => {
    expect(
      codeOf(() => parseKeyRecord(record({ privateKey: 'AAAA' }), 'app.signing', ANDROID_RULES)),
    ).toBe('KEYSTORE_ERROR');
  });

  it('refuses a record for another alias', () => {
    expect(
      codeOf(() => parseKeyRecord(record({ alias: 'other' }), 'app.signing', ANDROID_RULES)),
    ).toBe('KEYSTORE_ERROR');
  });

  it('refuses an RSA record from iOS', () => {
    expect(
      codeOf(() =>
        parseKeyRecord(
          record({ purpose: 'encrypt', algorithm: 'RSA-OAEP' }),
          'app.signing',
          IOS_RULES,
        ),
      ),
    ).toBe('KEYSTORE_ERROR');
  });

  it('refuses a purpose that does not fit the algorithm', () => {
    expect(
      codeOf(() => parseKeyRecord(record({ purpose: 'encrypt' }), 'app.signing', ANDROID_RULES)),
    ).toBe('KEYSTORE_ERROR');
  });

  it('refuses an unknown security level', () => {
    expect(
      codeOf(() =>
        parseKeyRecord(record({ securityLevel: 'secure-enclave' }), 'app.signing', ANDROID_RULES),
      ),
    ).toBe('KEYSTORE_ERROR');
  });

  it('refuses a public key in non-canonical base64url', () => {
    const text = encodeBase64url(p256Spki().spki);
    // 91 bytes end on a full group; add a character whose low bits are not zero.
    expect(
      codeOf(() => parseKeyRecord(record({ publicKey: `${text}B` }), 'app.signing', ANDROID_RULES)),
    ).toBe('KEYSTORE_ERROR');
  });

  it('refuses a public key given as a number', () => {
    expect(
      codeOf(() => parseKeyRecord(record({ publicKey: 42 }), 'app.signing', ANDROID_RULES)),
    ).toBe('KEYSTORE_ERROR');
  });

  it('refuses an RSA algorithm whose public key is an EC key', () => {
    expect(
      codeOf(() =>
        parseKeyRecord(
          record({ purpose: 'encrypt', algorithm: 'RSA-OAEP' }),
          'app.signing',
          ANDROID_RULES,
        ),
      ),
    ).toBe('KEYSTORE_ERROR');
  });

  it('refuses an attestation chain entry that is not a DER certificate', () => {
    const attestation = {
      x5c: [btoa('not a certificate, but long enough to pass the size check of sixty-four bytes')],
    };
    expect(
      codeOf(() => parseKeyRecord(record({ attestation }), 'app.signing', ANDROID_RULES)),
    ).toBe('KEYSTORE_ERROR');
  });

  it('refuses an empty attestation chain', () => {
    expect(
      codeOf(() =>
        parseKeyRecord(record({ attestation: { x5c: [] } }), 'app.signing', ANDROID_RULES),
      ),
    ).toBe('KEYSTORE_ERROR');
  });

  it('refuses an App Attest object that is not base64url', () => {
    const attestation = { keyId: 'abc', attestationObject: 'not base64url!' };
    expect(
      codeOf(() =>
        parseKeyRecord(
          record({ securityLevel: 'secure-enclave', attestation }),
          'app.signing',
          IOS_RULES,
        ),
      ),
    ).toBe('KEYSTORE_ERROR');
  });

  it('refuses a negative creation time', () => {
    expect(
      codeOf(() => parseKeyRecord(record({ createdAt: -1 }), 'app.signing', ANDROID_RULES)),
    ).toBe('KEYSTORE_ERROR');
  });

  it('refuses a malformed user-authentication policy', () => {
    const userAuthentication = {
      type: 'biometric',
      validitySeconds: -5,
      invalidateOnNewEnrollment: true,
    };
    expect(
      codeOf(() => parseKeyRecord(record({ userAuthentication }), 'app.signing', ANDROID_RULES)),
    ).toBe('KEYSTORE_ERROR');
  });

  it('refuses an array in place of a record', () => {
    expect(codeOf(() => parseKeyRecord([record()], 'app.signing', ANDROID_RULES))).toBe(
      'KEYSTORE_ERROR',
    );
  });
});

describe('native error mapping', () => {
  it('maps an unknown native error name to KEYSTORE_ERROR and keeps it as cause', () => {
    const native = Object.assign(new Error('boom'), { code: 'SomethingNew' });
    const err = mapNativeError('android', 'sign', native);
    expect(err.code).toBe('KEYSTORE_ERROR');
    expect(err.cause).toBe(native);
  });

  it('maps a rejection that is not an object to KEYSTORE_ERROR', () => {
    expect(mapNativeError('ios', 'sign', 'a string').code).toBe('KEYSTORE_ERROR');
  });

  it('does not map the other platform’s error names', () => {
    expect(mapNativeError('android', 'getKey', { code: 'errSecItemNotFound' }).code).toBe(
      'KEYSTORE_ERROR',
    );
    expect(mapNativeError('ios', 'sign', { code: 'KeyPermanentlyInvalidatedException' }).code).toBe(
      'KEYSTORE_ERROR',
    );
  });

  it('ignores inherited properties as error names', () => {
    expect(mapNativeError('ios', 'sign', { code: 'toString' }).code).toBe('KEYSTORE_ERROR');
  });

  it('never copies the native message into its own', () => {
    const native = Object.assign(new Error('secret-token-123'), { code: 'errSecAuthFailed' });
    const err = mapNativeError('ios', 'sign', native);
    expect(err.code).toBe('AUTHENTICATION_FAILED');
    expect(err.message).not.toContain('secret-token-123');
  });

  it('does not echo a native error name that is not a plain identifier', () => {
    const err = mapNativeError('android', 'sign', {
      code: 'weird name with spaces and secret-123',
    });
    expect(err.code).toBe('KEYSTORE_ERROR');
    expect(err.message).not.toContain('secret-123');
  });
});
