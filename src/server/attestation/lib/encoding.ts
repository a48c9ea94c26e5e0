// Text forms of attestation evidence: base64 in either alphabet (x5c, App Attest key ids,
// attestation objects), PEM certificates, and lowercase hex for digests and serials.

import { decodeBase64url } from '../../../core/base64url.js';
import { DeviceBindingError } from '../../../core/errors.js';

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * @internal The bytes of standard or URL-safe base64, padded or not; `undefined` when `text`
 * is neither (the caller refuses it with its own reason).
 */
export function decodeAnyBase64(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  const unpadded = text.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  try {
    return decodeBase64url(unpadded);
  } catch (err) {
    if (err instanceof DeviceBindingError) return undefined;
    throw err;
  }
}

/** @internal The DER bytes of every certificate in PEM text, in order. */
export function pemCertificates(text: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const match of text.matchAll(
    /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]*)-----END CERTIFICATE-----/g,
  )) {
    const der = decodeAnyBase64((match[1] ?? '').replace(/\s+/g, ''));
    if (der !== undefined) out.push(der);
  }
  return out;
}

/** @internal Lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/**
 * @internal A byte view of an ArrayBuffer, a view, or an asn1-schema OctetString (which has
 * the shape of one), without copying.
 */
export function viewOf(buffer: ArrayBuffer | ArrayBufferView): Uint8Array {
  return buffer instanceof ArrayBuffer
    ? new Uint8Array(buffer)
    : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
