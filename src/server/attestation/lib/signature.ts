// Certificate and assertion signatures checked with WebCrypto (so the verifier runs wherever
// crypto.subtle does: Node, Deno, Bun, Workers), with imported issuer keys cached.

import {
  AsnIntegerArrayBufferConverter,
  AsnParser,
  AsnProp,
  AsnPropTypes,
} from '@peculiar/asn1-schema';
import { LruMap } from '../../lib/lru-map.js';
import { subtleCrypto } from '../../lib/verification-keys.js';
import { BER_LIMITS } from './certificate.js';
import { toHex, viewOf } from './encoding.js';
import { type KeyHolder, type KeyKind, keyKind } from './public-key.js';

/** @internal A signature algorithm this verifier accepts. */
interface SignatureAlgorithm {
  readonly type: 'RSA' | 'EC';
  readonly hash: 'SHA-256' | 'SHA-384' | 'SHA-512';
}

// RFC 4055 §5 (RSA PKCS #1 v1.5) and RFC 5758 §3.2 (ECDSA); nothing weaker than SHA-256.
const SIGNATURE_ALGORITHMS: Readonly<Record<string, SignatureAlgorithm>> = {
  '1.2.840.113549.1.1.11': { type: 'RSA', hash: 'SHA-256' },
  '1.2.840.113549.1.1.12': { type: 'RSA', hash: 'SHA-384' },
  '1.2.840.113549.1.1.13': { type: 'RSA', hash: 'SHA-512' },
  '1.2.840.10045.4.3.2': { type: 'EC', hash: 'SHA-256' },
  '1.2.840.10045.4.3.3': { type: 'EC', hash: 'SHA-384' },
  '1.2.840.10045.4.3.4': { type: 'EC', hash: 'SHA-512' },
};

/** @internal The accepted algorithm named by `oid`, or `undefined`. */
export function signatureAlgorithm(oid: string): SignatureAlgorithm | undefined {
  return Object.hasOwn(SIGNATURE_ALGORITHMS, oid) ? SIGNATURE_ALGORITHMS[oid] : undefined;
}

class EcdsaSignatureValue {
  r = new ArrayBuffer(0);
  s = new ArrayBuffer(0);
}
for (const member of ['r', 's'] as const) {
  AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter })(
    EcdsaSignatureValue.prototype,
    member,
  );
}

/**
 * @internal An X9.62 DER ECDSA signature as WebCrypto's fixed-size r ‖ s, or `undefined`
 * when it is not one for a curve of `size`-byte scalars (negative, too long, malformed).
 */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array | undefined {
  let value: EcdsaSignatureValue;
  try {
    value = AsnParser.parse(der, EcdsaSignatureValue, { berOptions: BER_LIMITS });
  } catch {
    return undefined;
  }
  const out = new Uint8Array(size * 2);
  for (const [index, part] of [viewOf(value.r), viewOf(value.s)].entries()) {
    if (part.length === 0 || (part[0]! & 0x80) !== 0) return undefined;
    const digits = part[0] === 0 ? part.subarray(1) : part;
    if (digits.length > size) return undefined;
    out.set(digits, index * size + size - digits.length);
  }
  return out;
}

const imported = new LruMap<string, Promise<CryptoKey>>(256);

function importParameters(kind: KeyKind, hash: string): RsaHashedImportParams | EcKeyImportParams {
  return kind.type === 'RSA'
    ? { name: 'RSASSA-PKCS1-v1_5', hash }
    : { name: 'ECDSA', namedCurve: kind.type === 'EC' ? kind.curve : '' };
}

function importKey(holder: KeyHolder, kind: KeyKind, hash: string): Promise<CryptoKey> {
  const cacheKey = `${hash}:${toHex(holder.spki)}`;
  let key = imported.get(cacheKey);
  if (key === undefined) {
    key = subtleCrypto().importKey(
      'spki',
      holder.spki as Uint8Array<ArrayBuffer>,
      importParameters(kind, hash),
      false,
      ['verify'],
    );
    // A key that fails to import is not kept: the next call tries again and fails the same way.
    key.catch(() => imported.delete(cacheKey));
    imported.set(cacheKey, key);
  }
  return key;
}

/** @internal Why a signature could not be checked at all. */
export type SignatureProblem = 'unsupported-algorithm' | 'key-mismatch';

/**
 * @internal Whether `signature` over `data` verifies with `holder`'s key under the algorithm
 * `oid`; a problem when the algorithm is not accepted or does not fit the key.
 * @throws `CRYPTO_UNAVAILABLE` without WebCrypto.
 */
export async function verifyWith(
  holder: KeyHolder,
  oid: string,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean | SignatureProblem> {
  const algorithm = signatureAlgorithm(oid);
  if (algorithm === undefined) return 'unsupported-algorithm';
  const kind = keyKind(holder);
  if (kind === undefined || kind.type !== algorithm.type) return 'key-mismatch';
  let raw = signature;
  if (kind.type === 'EC') {
    const converted = ecdsaDerToRaw(signature, kind.size);
    if (converted === undefined) return false;
    raw = converted;
  }
  let key: CryptoKey;
  try {
    key = await importKey(holder, kind, algorithm.hash);
  } catch {
    return 'key-mismatch';
  }
  if (kind.type === 'RSA' && (key.algorithm as RsaHashedKeyAlgorithm).modulusLength < 2048) {
    return 'unsupported-algorithm';
  }
  const params =
    kind.type === 'RSA' ? { name: 'RSASSA-PKCS1-v1_5' } : { name: 'ECDSA', hash: algorithm.hash };
  return subtleCrypto().verify(
    params,
    key,
    raw as Uint8Array<ArrayBuffer>,
    data as Uint8Array<ArrayBuffer>,
  );
}
