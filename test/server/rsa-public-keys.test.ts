// RSA encryption keys are checked as integers wherever one enters: a handshake's
// "encryption_key", sealEnvelope, sealEnvelopeStream and a native key record. Each key below
// passed 0.1.0's only check (the string length of `n`) and is refused now.

import { createDecipheriv, createHash, generateKeyPairSync } from 'node:crypto';
import { CompactEncrypt, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from '../../src/core/base64url.js';
import { concatBytes } from '../../src/core/bytes.js';
import type { PublicJwk } from '../../src/core/jwk.js';
import { rsaKeyProblem } from '../../src/core/rsa-public-key.js';
import { parseKeyRecord } from '../../src/keystores/bridge/key-record.js';
import {
  RSA_ALGORITHM_IDENTIFIER,
  rsaJwkFromSpki,
} from '../../src/keystores/bridge/public-keys.js';
import { sealEnvelope } from '../../src/server/seal-envelope.js';
import { sealEnvelopeStream } from '../../src/server/seal-envelope-stream.js';
import { verifyHandshake } from '../../src/server/verify-handshake.js';
import {
  derBitString,
  derElement,
  derSequence,
} from '../../src/testing/bridge-simulator/der-writer.js';
import { rejection, thrown } from '../helpers/rejections.js';
import { makeHandshake } from './helpers/handshakes.js';
import { newKey } from './helpers/proofs.js';

function rsaIntegers(modulusLength: number): { n: Uint8Array; e: Uint8Array } {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength });
  const jwk = publicKey.export({ format: 'jwk' });
  return { n: decodeBase64url(jwk.n!), e: decodeBase64url(jwk.e!) };
}

const good = rsaIntegers(2048);
const short = rsaIntegers(512);
const wide = rsaIntegers(4096);
const E_65537 = Uint8Array.of(1, 0, 1);

// 2050 random bytes, top and bottom bits set: an odd 16,400-bit "modulus".
const huge = crypto.getRandomValues(new Uint8Array(2050));
huge[0]! |= 0x80;
huge[huge.length - 1]! |= 1;
const even = good.n.slice();
even[even.length - 1]! &= 0xfe;

interface Attack {
  readonly name: string;
  readonly n: Uint8Array;
  readonly e: Uint8Array;
  /** The JWK member the refusal names. */
  readonly member: 'n' | 'e';
}

const ATTACKS: readonly Attack[] = [
  { name: 'e = 1 (encryption is the identity)', n: good.n, e: Uint8Array.of(1), member: 'e' },
  { name: 'e = 2 (even, not invertible)', n: good.n, e: Uint8Array.of(2), member: 'e' },
  { name: 'a 4096-bit e', n: good.n, e: wide.n, member: 'e' },
  { name: 'an even modulus', n: even, e: E_65537, member: 'n' },
  {
    name: 'a 512-bit modulus zero-padded to 2048 bits',
    n: concatBytes(new Uint8Array(256 - short.n.length), short.n),
    e: E_65537,
    member: 'n',
  },
  { name: 'a 16,400-bit modulus', n: huge, e: E_65537, member: 'n' },
];

function rsaJwk(n: Uint8Array, e: Uint8Array): PublicJwk {
  return {
    kty: 'RSA',
    n: encodeBase64url(n),
    e: encodeBase64url(e),
    use: 'enc',
    alg: 'RSA-OAEP-256',
  };
}

/** SubjectPublicKeyInfo of `n` and `e` as given, with a sign byte where DER needs one. */
function rsaSpki(n: Uint8Array, e: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array) =>
    derElement(0x02, bytes[0]! & 0x80 ? concatBytes(Uint8Array.of(0), bytes) : bytes);
  return derSequence(RSA_ALGORITHM_IDENTIFIER, derBitString(derSequence(integer(n), integer(e))));
}

const signingKey = await newKey();

describe('an RSA key with sound integers is accepted everywhere', () => {
  it.each([2048, 3072, 4096])('a %i-bit key with e = 65537', async (bits) => {
    const { n, e } = bits === 2048 ? good : bits === 4096 ? wide : rsaIntegers(bits);
    const key = rsaJwk(n, e);
    const device = await verifyHandshake(await makeHandshake(signingKey, key), {
      expectedNonce: 'challenge-1',
    });
    expect(device.encryptionKey).toEqual(key);
    expect((await sealEnvelope(new Uint8Array(1), key)).split('.')).toHaveLength(5);
    expect(sealEnvelopeStream(new ReadableStream(), key)).toBeInstanceOf(ReadableStream);
    expect(rsaJwkFromSpki(rsaSpki(n, e), 'key')).toEqual({
      kty: 'RSA',
      n: encodeBase64url(n),
      e: encodeBase64url(e),
    });
  });

  it('any odd exponent from 3 to 2^32 − 1', () => {
    for (const e of [[3], [1, 0, 1], [0xff, 0xff, 0xff, 0xff], [0x80, 0, 0, 1]])
      expect(rsaKeyProblem(good.n, Uint8Array.from(e))).toBeUndefined();
  });

  it('moduli of 2048 to 8192 bits, odd', () => {
    const at = (bits: number) => {
      const n = new Uint8Array(Math.ceil(bits / 8)).fill(0xff);
      n[0] = 0xff >> ((8 - (bits % 8)) % 8);
      return n;
    };
    expect(rsaKeyProblem(at(2048), E_65537)).toBeUndefined();
    expect(rsaKeyProblem(at(8192), E_65537)).toBeUndefined();
    expect(rsaKeyProblem(at(2047), E_65537)?.member).toBe('n');
    expect(rsaKeyProblem(at(8193), E_65537)?.member).toBe('n');
  });
});

describe('unsound RSA keys are refused by rsaKeyProblem', () => {
  it.each([
    ['e = 0', [0]],
    ['e = 3 with a leading zero byte', [0, 3]],
    ['a 5-byte e', [1, 0, 0, 0, 1]],
    ['an empty e', []],
    ['e = 65536', [1, 0, 0]],
  ])('%s', (_, e) => {
    expect(rsaKeyProblem(good.n, Uint8Array.from(e))?.member).toBe('e');
  });
});

describe.each(ATTACKS)('$name is refused', ({ n, e, member }) => {
  it('in a handshake, with INVALID_HANDSHAKE naming the member', async () => {
    const token = await makeHandshake(signingKey, rsaJwk(n, e));
    const err = await rejection(verifyHandshake(token, { expectedNonce: 'challenge-1' }));
    expect(err.code).toBe('INVALID_HANDSHAKE');
    expect(err.message).toContain(`"encryption_key".${member}`);
  });

  it('by sealEnvelope, with INVALID_ARGUMENT naming the member', async () => {
    const err = await rejection(sealEnvelope(new Uint8Array(16), rsaJwk(n, e)));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain(`"encryptionKey".${member}`);
  });

  it('by sealEnvelopeStream, synchronously, with INVALID_ARGUMENT naming the member', () => {
    const err = thrown(() => sealEnvelopeStream(new ReadableStream(), rsaJwk(n, e)));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain(`"encryptionKey".${member}`);
  });

  it('in a native key record, with KEYSTORE_ERROR', () => {
    // DER spells the padded modulus as a non-minimal INTEGER, which is refused as such.
    const spki = rsaSpki(n, e);
    expect(thrown(() => rsaJwkFromSpki(spki, 'key')).code).toBe('KEYSTORE_ERROR');
    const record = {
      alias: 'app.encryption',
      purpose: 'encrypt',
      algorithm: 'RSA-OAEP-256',
      publicKey: encodeBase64url(spki),
      securityLevel: 'tee',
    };
    const err = thrown(() =>
      parseKeyRecord(record, 'app.encryption', {
        platform: 'android',
        algorithms: ['RSA-OAEP-256'],
        securityLevels: ['tee'],
      }),
    );
    expect(err.code).toBe('KEYSTORE_ERROR');
  });
});

describe('sealing to e = 1 is impossible', () => {
  // RFC 8017 §7.1.2 OAEP decoding with SHA-256, no private key involved: with e = 1 the
  // "ciphertext" is the padded message itself.
  function oaepUnpad(em: Uint8Array): Uint8Array {
    const sha256 = (...parts: Uint8Array[]) =>
      new Uint8Array(
        createHash('sha256')
          .update(concatBytes(...parts))
          .digest(),
      );
    const mgf1 = (seed: Uint8Array, length: number) => {
      const out: Uint8Array[] = [];
      for (let counter = 0; out.length * 32 < length; counter++)
        out.push(sha256(seed, Uint8Array.of(0, 0, 0, counter)));
      return concatBytes(...out).subarray(0, length);
    };
    const maskedSeed = em.subarray(1, 33);
    const maskedDb = em.subarray(33);
    const seed = maskedSeed.map((b, i) => b ^ mgf1(maskedDb, 32)[i]!);
    const db = maskedDb.map((b, i) => b ^ mgf1(seed, maskedDb.length)[i]!);
    return db.subarray(db.indexOf(1, 32) + 1);
  }

  it('jose alone seals to e = 1, and the content key is then readable without any private key', async () => {
    // What 0.1.0 did: the primitive does not refuse the key, so only our check stands between.
    const key = await importJWK(
      { kty: 'RSA', n: encodeBase64url(good.n), e: 'AQ' },
      'RSA-OAEP-256',
    );
    const jwe = await new CompactEncrypt(new TextEncoder().encode('secret'))
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM' })
      .encrypt(key);
    const [header, encryptedKey, iv, ciphertext, tag] = jwe.split('.') as [
      string,
      string,
      string,
      string,
      string,
    ];
    const contentKey = oaepUnpad(decodeBase64url(encryptedKey));
    const decipher = createDecipheriv('aes-256-gcm', contentKey, decodeBase64url(iv));
    decipher.setAAD(new TextEncoder().encode(header));
    decipher.setAuthTag(decodeBase64url(tag));
    const plaintext = concatBytes(decipher.update(decodeBase64url(ciphertext)), decipher.final());
    expect(new TextDecoder().decode(plaintext)).toBe('secret');
  });

  it('sealEnvelope refuses the same key before anything is encrypted', async () => {
    const err = await rejection(sealEnvelope('secret', rsaJwk(good.n, Uint8Array.of(1))));
    expect([err.code, err.message]).toEqual([
      'INVALID_ARGUMENT',
      '"encryptionKey".e must be an odd public exponent from 3 to 2^32 − 1 (65537 is usual)',
    ]);
  });
});
