// Verifies compact JWS made by the core with @noble/curves only, so core tests run the same
// with and without crypto.subtle (jose needs WebCrypto; interop with jose is in test/interop).

import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';

const fromB64url = (s: string) => new Uint8Array(Buffer.from(s, 'base64url'));
const json = (s: string) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));

export interface VerifiedJws {
  header: { alg: string; typ: string; jwk: Record<string, string> };
  payload: Record<string, unknown>;
}

/** Verifies a compact JWS against the key embedded in its header; throws if it does not verify. */
export function verifyEmbeddedJws(token: string): VerifiedJws {
  const [h, p, s, extra] = token.split('.');
  if (h === undefined || p === undefined || s === undefined || extra !== undefined)
    throw new Error('not a compact JWS');
  const header = json(h);
  const input = new TextEncoder().encode(`${h}.${p}`);
  const signature = fromB64url(s);
  const { jwk } = header;
  const ok =
    header.alg === 'ES256'
      ? p256.verify(
          signature,
          input,
          new Uint8Array([4, ...fromB64url(jwk.x), ...fromB64url(jwk.y)]),
          { lowS: false },
        )
      : header.alg === 'EdDSA' && ed25519.verify(signature, input, fromB64url(jwk.x));
  if (!ok) throw new Error('signature does not verify');
  return { header, payload: json(p) };
}

/** RFC 7638 thumbprint of an EC or OKP public JWK. */
export function thumbprint(jwk: Record<string, string>): string {
  const input =
    jwk.kty === 'EC'
      ? `{"crv":"${jwk.crv}","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`
      : `{"crv":"${jwk.crv}","kty":"OKP","x":"${jwk.x}"}`;
  return Buffer.from(sha256(new TextEncoder().encode(input))).toString('base64url');
}

/** base64url SHA-256 of a string, and the RFC 9530 digest of a body. */
export const sha256b64url = (text: string) =>
  Buffer.from(sha256(new TextEncoder().encode(text))).toString('base64url');
export const contentDigestOf = (body: string | Uint8Array) =>
  `sha-256=:${Buffer.from(sha256(typeof body === 'string' ? new TextEncoder().encode(body) : body)).toString('base64')}:`;
