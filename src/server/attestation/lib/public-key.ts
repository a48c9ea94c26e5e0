// Public keys of certificates: what kind they are (EC curve or RSA), and the same key as a
// JWK, to compare with the key a handshake carries.

import {
  AsnIntegerArrayBufferConverter,
  AsnParser,
  AsnProp,
  AsnPropTypes,
} from '@peculiar/asn1-schema';
import { encodeBase64url } from '../../../core/base64url.js';
import type { PublicJwk } from '../../../core/jwk.js';
import { BER_LIMITS } from './certificate.js';
import { toHex, viewOf } from './encoding.js';

/** @internal A certificate's key, as far as verification needs it. */
export type KeyKind =
  | { readonly type: 'EC'; readonly curve: 'P-256' | 'P-384' | 'P-521'; readonly size: number }
  | { readonly type: 'RSA' }
  | { readonly type: 'Ed25519' };

/** @internal What a key holder (a certificate or a trust anchor) exposes. */
export interface KeyHolder {
  readonly spki: Uint8Array;
  readonly keyAlgorithm: string;
  readonly keyParameters: Uint8Array | null | undefined;
  readonly publicKeyBytes: Uint8Array;
}

const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const ED25519 = '1.3.101.112';
// The DER of each named curve's OBJECT IDENTIFIER (RFC 5480 §2.1.1.1), as ECParameters carries it.
const CURVES: Readonly<Record<string, { curve: 'P-256' | 'P-384' | 'P-521'; size: number }>> = {
  '06082a8648ce3d030107': { curve: 'P-256', size: 32 },
  '06052b81040022': { curve: 'P-384', size: 48 },
  '06052b81040023': { curve: 'P-521', size: 66 },
};

/** @internal The kind of `holder`'s key, or `undefined` for one this verifier does not know. */
export function keyKind(holder: KeyHolder): KeyKind | undefined {
  if (holder.keyAlgorithm === RSA_ENCRYPTION) return { type: 'RSA' };
  if (holder.keyAlgorithm === ED25519) return { type: 'Ed25519' };
  if (holder.keyAlgorithm !== EC_PUBLIC_KEY || !holder.keyParameters) return undefined;
  const curve = CURVES[toHex(holder.keyParameters)];
  return curve === undefined ? undefined : { type: 'EC', ...curve };
}

class RsaPublicKey {
  modulus = new ArrayBuffer(0);
  publicExponent = new ArrayBuffer(0);
}
AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter })(
  RsaPublicKey.prototype,
  'modulus',
);
AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter })(
  RsaPublicKey.prototype,
  'publicExponent',
);

function unsigned(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start);
}

/**
 * @internal `holder`'s key as a minimal public JWK (P-256, Ed25519 or RSA), or `undefined`
 * when it is another kind or malformed.
 */
export function publicJwkOf(holder: KeyHolder): PublicJwk | undefined {
  const kind = keyKind(holder);
  const bytes = holder.publicKeyBytes;
  if (kind?.type === 'EC') {
    if (kind.curve !== 'P-256' || bytes.length !== 65 || bytes[0] !== 4) return undefined;
    return {
      kty: 'EC',
      crv: 'P-256',
      x: encodeBase64url(bytes.subarray(1, 33)),
      y: encodeBase64url(bytes.subarray(33)),
    };
  }
  if (kind?.type === 'Ed25519') {
    return bytes.length === 32
      ? { kty: 'OKP', crv: 'Ed25519', x: encodeBase64url(bytes) }
      : undefined;
  }
  if (kind?.type === 'RSA') {
    try {
      const key = AsnParser.parse(bytes, RsaPublicKey, { berOptions: BER_LIMITS });
      return {
        kty: 'RSA',
        n: encodeBase64url(unsigned(viewOf(key.modulus))),
        e: encodeBase64url(unsigned(viewOf(key.publicExponent))),
      };
    } catch {
      return undefined;
    }
  }
  return undefined;
}
