// A device key and a pool of DPoP proofs signed with it, for the verification benchmarks:
// each proof has its own jti, so a replay cache accepts each once.

import { SignJWT } from 'jose';
import { type ReplayCache, verifyRequest } from '../../src/server/index.js';
import type { BenchCase } from './bench.js';

/** An ES256 device key: the pair, its public JWK and the proof header that embeds it. */
export interface BenchDevice {
  readonly pair: CryptoKeyPair;
  readonly jwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string };
  readonly header: { typ: 'dpop+jwt'; alg: 'ES256'; jwk: BenchDevice['jwk'] };
}

/** A random jti: 16 bytes, base64url. */
export function randomJti(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url');
}

/** A fresh ES256 device key (not extractable). */
export async function benchDevice(): Promise<BenchDevice> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const jwk = { kty, crv, x, y } as BenchDevice['jwk'];
  return { pair, jwk, header: { typ: 'dpop+jwt', alg: 'ES256', jwk } };
}

/** The `ath` of an access token (RFC 9449 §4.2): base64url SHA-256 of it. */
export async function athOf(accessToken: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken));
  return Buffer.from(digest).toString('base64url');
}

/** `size` proofs for GET `url`, issued now, each with a fresh jti (and `ath` for a token). */
export async function proofPool(
  device: BenchDevice,
  size: number,
  url: string,
  accessToken?: string,
): Promise<string[]> {
  const pool: string[] = [];
  const iat = Math.floor(Date.now() / 1000);
  const ath = accessToken === undefined ? {} : { ath: await athOf(accessToken) };
  for (let i = 0; i < size; i++) {
    pool.push(
      await new SignJWT({ jti: randomJti(), htm: 'GET', htu: url, iat, ...ath })
        .setProtectedHeader(device.header)
        .sign(device.pair.privateKey),
    );
  }
  return pool;
}

/**
 * A case that verifies the pooled proofs of `device` in turn with `verifyRequest`, checking
 * replay with `newCache()`: each proof is accepted once per cache, so it starts a new cache
 * each time the pool wraps. With `accessToken`, each request presents it (`Authorization:
 * DPoP`), as the pool's proofs must have been made for it.
 */
export function verifyRequestCase(
  name: string,
  device: BenchDevice,
  pool: readonly string[],
  url: string,
  newCache: () => ReplayCache,
  accessToken?: string,
): BenchCase {
  const authorization = accessToken === undefined ? {} : { authorization: `DPoP ${accessToken}` };
  let replayCache = newCache();
  let verified = 0;
  return {
    name,
    run: () => {
      if (verified > 0 && verified % pool.length === 0) replayCache = newCache();
      const proof = pool[verified++ % pool.length]!;
      return verifyRequest(
        { method: 'GET', url, headers: { dpop: proof, ...authorization } },
        { signingKey: device.jwk, replayCache, accessToken },
      );
    },
  };
}
