// RSA for the simulated Android Keystore: key generation through WebCrypto, and RSAES-OAEP
// decryption (RFC 8017 §7.1.2) in BigInt, with the label hash and the MGF1 hash chosen
// separately — Android Keystore before API 35 always uses MGF1 with SHA-1.

import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { decodeBase64url } from '../../core/base64url.js';
import { concatBytes, equalBytes } from '../../core/bytes.js';
import { RSA_ALGORITHM_IDENTIFIER } from '../../keystores/bridge/public-keys.js';
import { derBitString, derInteger, derSequence, integerBytes } from './der-writer.js';
import { NativeFailure } from './native-failure.js';

/** @internal An RSA private key in CRT form. */
export interface RsaPrivateKey {
  readonly n: bigint;
  readonly e: bigint;
  readonly p: bigint;
  readonly q: bigint;
  readonly dp: bigint;
  readonly dq: bigint;
  readonly qi: bigint;
  readonly length: number;
}

/** @internal A hash OAEP can use. */
export type OaepHash = 'SHA-1' | 'SHA-256';

const HASHES: Readonly<Record<OaepHash, (data: Uint8Array) => Uint8Array>> = {
  'SHA-1': sha1,
  'SHA-256': sha256,
};

function toBigInt(bytes: Uint8Array): bigint {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex === '' ? 0n : BigInt(`0x${hex}`);
}

function toBytes(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let rest = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

function mgf1(
  hash: (data: Uint8Array) => Uint8Array,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let counter = 0, produced = 0; produced < length; counter++) {
    const block = hash(
      concatBytes(
        seed,
        Uint8Array.of(counter >>> 24, (counter >>> 16) & 255, (counter >>> 8) & 255, counter & 255),
      ),
    );
    parts.push(block);
    produced += block.length;
  }
  return concatBytes(...parts).subarray(0, length);
}

/**
 * @internal Makes an RSA key pair with exponent 65537. Needs WebCrypto (Node, browsers); the
 * simulator cannot make RSA keys where there is none.
 */
export async function generateRsaKey(modulusLength: number): Promise<RsaPrivateKey> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined)
    throw new NativeFailure('ProviderException', 'the simulator needs WebCrypto to make RSA keys');
  const pair = await subtle.generateKey(
    { name: 'RSA-OAEP', modulusLength, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' },
    true,
    ['encrypt', 'decrypt'],
  );
  return rsaKeyFromJwk(await subtle.exportKey('jwk', pair.privateKey));
}

/** @internal The CRT form of an RSA private JWK (`n`, `e`, `p`, `q`, `dp`, `dq`, `qi`). */
export function rsaKeyFromJwk(jwk: JsonWebKey): RsaPrivateKey {
  const big = (name: 'n' | 'e' | 'p' | 'q' | 'dp' | 'dq' | 'qi') =>
    toBigInt(decodeBase64url(jwk[name] ?? ''));
  return {
    n: big('n'),
    e: big('e'),
    p: big('p'),
    q: big('q'),
    dp: big('dp'),
    dq: big('dq'),
    qi: big('qi'),
    length: decodeBase64url(jwk.n ?? '').length,
  };
}

/** @internal The SubjectPublicKeyInfo of an RSA key. */
export function rsaSpki(key: RsaPrivateKey): Uint8Array {
  return derSequence(
    RSA_ALGORITHM_IDENTIFIER,
    derBitString(derSequence(derInteger(key.n), derInteger(key.e))),
  );
}

/** @internal The modulus, for tests that encrypt to the key. */
export function rsaModulusBytes(key: RsaPrivateKey): Uint8Array {
  return integerBytes(key.n);
}

/**
 * @internal RSAES-OAEP decryption with an empty label: `hash` for the label hash, `mgfHash`
 * for MGF1. Every failure is the same `BadPaddingException`.
 */
export function rsaOaepDecrypt(
  key: RsaPrivateKey,
  ciphertext: Uint8Array,
  hash: OaepHash,
  mgfHash: OaepHash,
): Uint8Array {
  const k = key.length;
  const h = HASHES[hash];
  const hLen = h(new Uint8Array(0)).length;
  if (ciphertext.length !== k)
    throw new NativeFailure(
      'IllegalBlockSizeException',
      'ciphertext length is not the modulus length',
    );
  const c = toBigInt(ciphertext);
  if (c >= key.n) throw new NativeFailure('BadPaddingException', 'decryption error');
  const m1 = modPow(c, key.dp, key.p);
  const m2 = modPow(c, key.dq, key.q);
  const hq = (((m1 - m2) % key.p) + key.p) % key.p;
  const m = m2 + ((key.qi * hq) % key.p) * key.q;
  const em = toBytes(m, k);
  const maskedSeed = em.subarray(1, 1 + hLen);
  const maskedDb = em.subarray(1 + hLen);
  const mgfHashFn = HASHES[mgfHash];
  const seedMask = mgf1(mgfHashFn, maskedDb, hLen);
  const seed = maskedSeed.map((byte, i) => byte ^ seedMask[i]!);
  const dbMask = mgf1(mgfHashFn, seed, k - hLen - 1);
  const db = maskedDb.map((byte, i) => byte ^ dbMask[i]!);
  let separator = -1;
  for (let i = hLen; i < db.length; i++) {
    if (db[i] === 1) {
      separator = i;
      break;
    }
    if (db[i] !== 0) break;
  }
  if (em[0] !== 0 || !equalBytes(db.subarray(0, hLen), h(new Uint8Array(0))) || separator < 0) {
    throw new NativeFailure('BadPaddingException', 'decryption error');
  }
  return db.slice(separator + 1);
}
