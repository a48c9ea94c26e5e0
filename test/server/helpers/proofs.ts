// Test helpers: device keys, and compact JWS proofs and handshakes with any header and payload,
// signed with WebCrypto, so tests can build valid tokens and every kind of broken one.

import { encodeBase64, encodeBase64url } from '../../../src/core/base64url.js';
import type { PublicJwk } from '../../../src/core/jwk.js';

export interface TestKey {
  readonly privateKey: CryptoKey;
  readonly publicJwk: PublicJwk;
  readonly alg: 'ES256' | 'EdDSA';
}

const subtle = globalThis.crypto.subtle;
const encoder = new TextEncoder();

/** A fresh signing key pair (ES256 by default). */
export async function newKey(alg: 'ES256' | 'EdDSA' = 'ES256'): Promise<TestKey> {
  const params = alg === 'ES256' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'Ed25519' };
  const pair = (await subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
  const { kty, crv, x, y } = await subtle.exportKey('jwk', pair.publicKey);
  const publicJwk = (kty === 'EC' ? { kty, crv, x, y } : { kty, crv, x }) as PublicJwk;
  return { privateKey: pair.privateKey, publicJwk, alg };
}

/** The private JWK of a key made by {@link newKey}, for tests that leak it on purpose. */
export async function privateJwkOf(key: TestKey): Promise<JsonWebKey> {
  return subtle.exportKey('jwk', key.privateKey);
}

export function b64json(value: unknown): string {
  return encodeBase64url(encoder.encode(JSON.stringify(value)));
}

/** Signs `header.payload` as given (payload may be pre-encoded with `rawPayload`). */
export async function signJws(
  key: TestKey,
  header: Record<string, unknown>,
  payload: unknown,
  options: { rawPayload?: string; rawHeader?: string } = {},
): Promise<string> {
  const input = `${options.rawHeader ?? b64json(header)}.${options.rawPayload ?? b64json(payload)}`;
  const params = key.alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'Ed25519' };
  const signature = new Uint8Array(
    await subtle.sign(params, key.privateKey, encoder.encode(input)),
  );
  return `${input}.${encodeBase64url(signature)}`;
}

export async function sha256b64url(text: string): Promise<string> {
  return encodeBase64url(new Uint8Array(await subtle.digest('SHA-256', encoder.encode(text))));
}

/** `sha-256=:…:` of a body (RFC 9530). */
export async function digestOf(body: string | Uint8Array): Promise<string> {
  const bytes = typeof body === 'string' ? encoder.encode(body) : body;
  return `sha-256=:${encodeBase64(new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)))}:`;
}

export function randomJti(): string {
  return encodeBase64url(globalThis.crypto.getRandomValues(new Uint8Array(16)));
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export interface ProofSpec {
  method?: string;
  url?: string;
  iat?: number;
  jti?: string;
  accessToken?: string;
  nonce?: string;
  body?: string | Uint8Array;
  /** Claims merged into the payload last (undefined values delete). */
  claims?: Record<string, unknown>;
  /** Header members merged last (undefined values delete). */
  header?: Record<string, unknown>;
}

function merge(
  base: Record<string, unknown>,
  over: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const out = { ...base, ...over };
  for (const [name, value] of Object.entries(over ?? {})) if (value === undefined) delete out[name];
  return out;
}

/** A DPoP proof as a compliant client makes it, adjusted by `spec`. */
export async function makeProof(key: TestKey, spec: ProofSpec = {}): Promise<string> {
  const header = merge({ typ: 'dpop+jwt', alg: key.alg, jwk: key.publicJwk }, spec.header);
  const payload: Record<string, unknown> = {
    jti: spec.jti ?? randomJti(),
    htm: spec.method ?? 'GET',
    htu: spec.url ?? 'https://api.example.com/v1/items',
    iat: spec.iat ?? nowSeconds(),
  };
  if (spec.accessToken !== undefined) payload.ath = await sha256b64url(spec.accessToken);
  if (spec.nonce !== undefined) payload.nonce = spec.nonce;
  if (spec.body !== undefined) payload.content_digest = await digestOf(spec.body);
  return signJws(key, header, merge(payload, spec.claims));
}

/** A request carrying `proof`, with a matching Content-Digest header when there is a body. */
export async function requestWith(
  proof: string,
  spec: {
    method?: string;
    url?: string;
    body?: string | Uint8Array;
    headers?: Record<string, string>;
  } = {},
): Promise<{
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}> {
  const headers: Record<string, string> = { dpop: proof };
  if (spec.body !== undefined) headers['content-digest'] = await digestOf(spec.body);
  const request = {
    method: spec.method ?? 'GET',
    url: spec.url ?? 'https://api.example.com/v1/items',
    headers: { ...headers, ...spec.headers },
  };
  return spec.body === undefined ? request : { ...request, body: spec.body };
}
