// What the kit computes on its own, outside the store under test: signature verification,
// the peer's side of ECDH and RSA-OAEP encryption, all with WebCrypto (noble's Ed25519 where
// a WebCrypto lacks it), so a store is judged by an implementation it does not share.

import { ed25519 } from '@noble/curves/ed25519.js';
import type { EncryptionAlgorithm, SigningAlgorithm } from '../../core/algorithms.js';
import { SIGNING_ALGORITHMS } from '../../core/algorithms.js';
import { decodeBase64url } from '../../core/base64url.js';
import type { EcPublicJwk, PublicJwk, RsaPublicJwk } from '../../core/jwk.js';
import { ConformanceFailure, describeThrown } from './expectations.js';

/** @internal Whether `value` is a Uint8Array (a Node Buffer counts), judged across realms. */
export function isUint8Array(value: unknown): value is Uint8Array {
  return (
    ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]'
  );
}

/** @internal A private copy of `bytes` on a plain ArrayBuffer, as WebCrypto wants it. */
export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy;
}

/** @internal `length` random bytes (getRandomValues fills at most 65536 bytes a call). */
export function randomBytes(webcrypto: Crypto, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 65536) webcrypto.getRandomValues(out.subarray(i, i + 65536));
  return out;
}

/** @internal Whether a signature has the shape of an ASN.1 DER ECDSA-Sig-Value. */
export function looksLikeDer(signature: Uint8Array): boolean {
  return (
    signature.length >= 8 &&
    signature.length <= 72 &&
    signature[0] === 0x30 &&
    signature[1] === signature.length - 2 &&
    signature[2] === 0x02
  );
}

/** @internal A copy of `bytes` with one bit of the byte at `index` flipped. */
export function flipBit(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  const at = index < 0 ? copy.length + index : index;
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
}

/** @internal A verifier for signatures by one public key. */
export type SignatureVerifier = (signature: Uint8Array, data: Uint8Array) => Promise<boolean>;

/**
 * @internal Imports `publicKey` for verification with `algorithm`. Uses WebCrypto; for
 * Ed25519 on a WebCrypto without it, noble's strict RFC 8032 verification.
 */
export async function signatureVerifier(
  subtle: SubtleCrypto,
  algorithm: SigningAlgorithm,
  publicKey: PublicJwk,
): Promise<SignatureVerifier> {
  const entry = SIGNING_ALGORITHMS[algorithm];
  const jwk: JsonWebKey =
    publicKey.kty === 'EC'
      ? { kty: 'EC', crv: publicKey.crv, x: publicKey.x, y: publicKey.y }
      : publicKey.kty === 'OKP'
        ? { kty: 'OKP', crv: publicKey.crv, x: publicKey.x }
        : { kty: 'RSA', n: publicKey.n, e: publicKey.e };
  let key: CryptoKey;
  try {
    key = await subtle.importKey('jwk', jwk, entry.importParams, false, ['verify']);
  } catch (err) {
    if (entry.kty === 'OKP' && publicKey.kty === 'OKP') return nobleEd25519Verifier(publicKey.x);
    throw new ConformanceFailure(
      `the public key could not be imported for ${algorithm} verification: ${describeThrown(err)}`,
      err,
    );
  }
  return async (signature, data) => {
    try {
      return await subtle.verify(
        entry.signParams,
        key,
        bufferSource(signature),
        bufferSource(data),
      );
    } catch {
      return false;
    }
  };
}

function nobleEd25519Verifier(x: string): SignatureVerifier {
  const publicKey = decodeBase64url(x);
  return async (signature, data) => {
    try {
      return ed25519.verify(signature, data, publicKey, { zip215: false });
    } catch {
      return false;
    }
  };
}

/** @internal The other side of an ECDH exchange, made fresh with WebCrypto. */
export interface EcdhPeer {
  /** The peer's public key, as the store receives it. */
  readonly publicKey: EcPublicJwk;
  /** Z computed by the peer against `storeKey`, 32 bytes. */
  deriveWith(storeKey: EcPublicJwk): Promise<Uint8Array>;
}

const ECDH_P256 = { name: 'ECDH', namedCurve: 'P-256' } as const;

/** @internal Makes a new P-256 ECDH peer. */
export async function createEcdhPeer(subtle: SubtleCrypto): Promise<EcdhPeer> {
  const pair = (await subtle.generateKey(ECDH_P256, true, ['deriveBits'])) as CryptoKeyPair;
  const exported = await subtle.exportKey('jwk', pair.publicKey);
  const publicKey: EcPublicJwk = {
    kty: 'EC',
    crv: 'P-256',
    x: String(exported.x),
    y: String(exported.y),
  };
  return {
    publicKey,
    async deriveWith(storeKey) {
      let imported: CryptoKey;
      try {
        imported = await subtle.importKey(
          'jwk',
          { kty: 'EC', crv: 'P-256', x: storeKey.x, y: storeKey.y },
          ECDH_P256,
          false,
          [],
        );
      } catch (err) {
        throw new ConformanceFailure(
          `the store's ECDH public key is not a valid P-256 point: ${describeThrown(err)}`,
          err,
        );
      }
      const bits = await subtle.deriveBits(
        { name: 'ECDH', public: imported },
        pair.privateKey,
        256,
      );
      return new Uint8Array(bits);
    },
  };
}

/** @internal The OAEP hash each RSA encryption algorithm uses (RFC 7518 §4.3). */
export const OAEP_HASH: Readonly<Record<'RSA-OAEP-256' | 'RSA-OAEP', 'SHA-256' | 'SHA-1'>> = {
  'RSA-OAEP-256': 'SHA-256',
  'RSA-OAEP': 'SHA-1',
};

/** @internal Whether an encryption algorithm is one of the RSA-OAEP variants. */
export function isRsaAlgorithm(
  algorithm: EncryptionAlgorithm,
): algorithm is 'RSA-OAEP-256' | 'RSA-OAEP' {
  return Object.hasOwn(OAEP_HASH, algorithm);
}

/** @internal RSA-OAEP encryption to a public key with WebCrypto. */
export async function rsaOaepEncrypt(
  subtle: SubtleCrypto,
  hash: 'SHA-256' | 'SHA-1',
  publicKey: RsaPublicJwk,
  data: Uint8Array,
): Promise<Uint8Array> {
  let key: CryptoKey;
  try {
    key = await subtle.importKey(
      'jwk',
      { kty: 'RSA', n: publicKey.n, e: publicKey.e },
      { name: 'RSA-OAEP', hash },
      false,
      ['encrypt'],
    );
  } catch (err) {
    throw new ConformanceFailure(
      `the store's RSA public key could not be imported: ${describeThrown(err)}`,
      err,
    );
  }
  return new Uint8Array(await subtle.encrypt({ name: 'RSA-OAEP' }, key, bufferSource(data)));
}
