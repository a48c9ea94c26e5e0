// RSAES-OAEP encryption (RFC 8017 §7.1.1) with BigInt arithmetic, for runtimes without
// WebCrypto. Encryption only: it uses the public key, so timing reveals nothing secret.

import { mustBe } from '../core/assert.js';
import { fail } from '../core/errors.js';

/** @internal A hash function as the OAEP encoding needs it. */
export interface OaepHash {
  (data: Uint8Array): Uint8Array;
  readonly outputLen: number;
}

const MIN_MODULUS_BITS = 2048;
const MAX_MODULUS_BITS = 16384;

function toBigInt(bytes: Uint8Array): bigint {
  let hex = '0x0';
  for (let i = 0; i < bytes.length; i++) hex += bytes[i]!.toString(16).padStart(2, '0');
  return BigInt(hex);
}

/** I2OSP (RFC 8017 §4.1): `value` as exactly `length` big-endian bytes. */
function toBytes(value: bigint, length: number): Uint8Array {
  const hex = value.toString(16).padStart(length * 2, '0');
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
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

/** MGF1 (RFC 8017 §B.2.1) with `hash`. */
function mgf1(hash: OaepHash, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const input = new Uint8Array(seed.length + 4);
  input.set(seed);
  for (let counter = 0, offset = 0; offset < length; counter++, offset += hash.outputLen) {
    new DataView(input.buffer).setUint32(seed.length, counter, false);
    const block = hash(input);
    out.set(block.subarray(0, Math.min(block.length, length - offset)), offset);
  }
  return out;
}

function stripZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

/**
 * @internal RSAES-OAEP-ENCRYPT with an empty label, MGF1 over the same hash as the label.
 * `seed` is `hash.outputLen` fresh random bytes.
 * @throws `INVALID_ARGUMENT` for an unusable public key or a message too long for it.
 */
export function oaepEncrypt(
  modulus: Uint8Array,
  exponent: Uint8Array,
  hash: OaepHash,
  message: Uint8Array,
  seed: Uint8Array,
): Uint8Array {
  const nBytes = stripZeros(modulus);
  const eBytes = stripZeros(exponent);
  const n = toBigInt(nBytes);
  const e = toBigInt(eBytes);
  const bits = n.toString(2).length;
  // Public exponents are small odd numbers (65537 in practice; WebCrypto only allows 3 and 65537).
  if (
    bits < MIN_MODULUS_BITS ||
    bits > MAX_MODULUS_BITS ||
    (n & 1n) === 0n ||
    eBytes.length > 4 ||
    e < 3n ||
    (e & 1n) === 0n
  ) {
    mustBe('publicKey', 'a usable RSA public key (2048 to 16384 bits, small odd exponent)');
  }
  const k = nBytes.length;
  const hLen = hash.outputLen;
  // Step 1b: mLen <= k - 2hLen - 2.
  if (message.length > k - 2 * hLen - 2)
    mustBe('data', `at most ${k - 2 * hLen - 2} bytes for RSA-OAEP with this key`);
  if (seed.length !== hLen)
    fail('CRYPTO_UNAVAILABLE', 'the random source returned the wrong number of bytes');
  // Step 2: DB = lHash ‖ PS ‖ 0x01 ‖ M, masked with the seed; EM = 0x00 ‖ maskedSeed ‖ maskedDB.
  const db = new Uint8Array(k - hLen - 1);
  db.set(hash(new Uint8Array(0)));
  db[db.length - message.length - 1] = 1;
  db.set(message, db.length - message.length);
  const dbMask = mgf1(hash, seed, db.length);
  for (let i = 0; i < db.length; i++) db[i] = db[i]! ^ dbMask[i]!;
  const seedMask = mgf1(hash, db, hLen);
  const em = new Uint8Array(k);
  for (let i = 0; i < hLen; i++) em[1 + i] = seed[i]! ^ seedMask[i]!;
  em.set(db, 1 + hLen);
  // Step 3: c = m^e mod n (m < n because EM's first byte is 0 and n has k significant bytes).
  return toBytes(modPow(toBigInt(em), e, n), k);
}
