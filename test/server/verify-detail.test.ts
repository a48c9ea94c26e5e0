// Every verification failure carries structured detail (which claim, and why), so operators
// count failures without parsing messages; `expected`/`actual` appear only where they are
// not secrets (URLs, methods, times), never for tokens, `ath` or keys.

import { describe, expect, it } from 'vitest';
import type { DeviceBindingErrorDetail } from '../../src/core/errors.js';
import { MemoryReplayCache } from '../../src/server/replay-cache.js';
import { verifyHandshake } from '../../src/server/verify-handshake.js';
import { verifyRequest } from '../../src/server/verify-request.js';
import { makeHandshake, newEncryptionKey } from './helpers/handshakes.js';
import {
  makeProof,
  newKey,
  nowSeconds,
  type ProofSpec,
  requestWith,
  signJws,
} from './helpers/proofs.js';
import { rejects } from './helpers/rejects.js';

const URL = 'https://api.example.com/v1/items';
const key = await newKey();
const otherKey = await newKey();
const encryptionKey = await newEncryptionKey();
const now = nowSeconds();
const options = (extra: Record<string, unknown> = {}) => ({
  signingKey: key.publicJwk,
  replayCache: new MemoryReplayCache(),
  ...extra,
});

type Case = [
  name: string,
  spec: ProofSpec,
  detail: DeviceBindingErrorDetail,
  extra?: { request?: Record<string, unknown>; options?: Record<string, unknown> },
];

const proofCases: Case[] = [
  [
    'a wrong typ',
    { header: { typ: 'jwt' } },
    { claim: 'typ', reason: 'mismatch', expected: 'dpop+jwt', actual: 'jwt' },
  ],
  [
    'no typ',
    { header: { typ: undefined } },
    { claim: 'typ', reason: 'missing', expected: 'dpop+jwt' },
  ],
  [
    'alg none',
    { header: { alg: 'none' } },
    { claim: 'alg', reason: 'unsupported', actual: 'none' },
  ],
  [
    'alg HS256',
    { header: { alg: 'HS256' } },
    { claim: 'alg', reason: 'unsupported', actual: 'HS256' },
  ],
  ['no alg', { header: { alg: undefined } }, { claim: 'alg', reason: 'missing' }],
  [
    'an alg that does not match the key',
    { header: { alg: 'EdDSA' } },
    { claim: 'alg', reason: 'mismatch', actual: 'EdDSA' },
  ],
  ['a crit member', { header: { crit: ['x'] } }, { claim: 'crit', reason: 'unsupported' }],
  [
    'a key by jku',
    { header: { jku: 'https://evil.example/keys' } },
    { claim: 'jku', reason: 'unsupported' },
  ],
  ['no jwk', { header: { jwk: undefined } }, { claim: 'jwk', reason: 'missing' }],
  ['another key', { header: { jwk: otherKey.publicJwk } }, { claim: 'jwk', reason: 'mismatch' }],
  ['no jti', { claims: { jti: undefined } }, { claim: 'jti', reason: 'missing' }],
  ['a numeric htm', { claims: { htm: 5 } }, { claim: 'htm', reason: 'malformed' }],
  [
    'another method',
    { method: 'POST' },
    { claim: 'htm', reason: 'mismatch', expected: 'GET', actual: 'POST' },
  ],
  [
    'another URL',
    { url: 'https://api.example.com/v2/items' },
    { claim: 'htu', reason: 'mismatch', expected: URL, actual: 'https://api.example.com/v2/items' },
  ],
  [
    'a stale iat',
    { iat: now - 3600 },
    {
      claim: 'iat',
      reason: 'stale',
      expected: expect.stringMatching(/^>= \d+$/),
      actual: String(now - 3600),
    },
  ],
  [
    'a future iat',
    { iat: now + 3600 },
    {
      claim: 'iat',
      reason: 'future',
      expected: expect.stringMatching(/^<= \d+$/),
      actual: String(now + 3600),
    },
  ],
  ['a string iat', { claims: { iat: 'now' } }, { claim: 'iat', reason: 'malformed' }],
  ['an ath without a token', { accessToken: 'at' }, { claim: 'ath', reason: 'mismatch' }],
  [
    'no ath with a token',
    {},
    { claim: 'ath', reason: 'missing' },
    { options: { accessToken: 'at' } },
  ],
  ['a numeric nonce', { claims: { nonce: 1 } }, { claim: 'nonce', reason: 'malformed' }],
  [
    'no nonce when one is required',
    {},
    { claim: 'nonce', reason: 'missing' },
    { options: { expectedNonce: 'n' } },
  ],
  [
    'another nonce',
    { nonce: 'm' },
    { claim: 'nonce', reason: 'mismatch' },
    { options: { expectedNonce: 'n' } },
  ],
  [
    'a digest of another body',
    { method: 'POST', body: 'a' },
    { claim: 'content_digest', reason: 'mismatch' },
    { request: { method: 'POST', body: 'b' } },
  ],
  [
    'a jti longer than 256 characters',
    { jti: 'j'.repeat(257) },
    { claim: 'jti', reason: 'too_long' },
  ],
];

describe('verifyRequest failures carry detail', () => {
  it.each(proofCases)('%s', async (_, spec, detail, extra = {}) => {
    const proof = await makeProof(key, spec);
    const request = { ...(await requestWith(proof)), ...extra.request };
    const err = await rejects(
      verifyRequest(request as never, options(extra.options)),
      err0(detail),
    );
    expect(err.detail).toEqual(detail);
  });

  it.each([
    ['no DPoP header', {}, { claim: 'DPoP', reason: 'missing' }],
    ['two DPoP headers', { dpop: ['a', 'b'] }, { claim: 'DPoP', reason: 'duplicate' }],
    ['an oversized DPoP header', { dpop: 'a'.repeat(9000) }, { claim: 'DPoP', reason: 'too_long' }],
    ['a DPoP header that is not a JWS', { dpop: 'not-a-jws' }, { reason: 'malformed' }],
  ])('%s', async (_, headers, detail) => {
    const err = await rejects(
      verifyRequest({ method: 'GET', url: URL, headers }, options()),
      'INVALID_PROOF',
    );
    expect(err.detail).toEqual(detail);
  });

  it('a forged signature', async () => {
    const proof = await makeProof(otherKey, { header: { jwk: key.publicJwk } });
    const err = await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
    expect(err.detail).toEqual({ claim: 'signature', reason: 'invalid_signature' });
  });

  it('a replay', async () => {
    const replayCache = new MemoryReplayCache();
    const request = await requestWith(await makeProof(key));
    await verifyRequest(request, options({ replayCache }));
    const err = await rejects(verifyRequest(request, options({ replayCache })), 'REPLAYED');
    expect(err.detail).toEqual({ claim: 'jti', reason: 'replayed' });
  });

  it('a header that is not JSON', async () => {
    const proof = await signJws(key, {}, {}, { rawHeader: 'bm90LWpzb24' });
    const err = await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
    expect(err.detail).toEqual({ reason: 'malformed' });
  });
});

/** The code each detail goes with. */
function err0(detail: DeviceBindingErrorDetail) {
  if (detail.claim === 'nonce' && detail.reason !== 'malformed') return 'NONCE_REQUIRED';
  if (detail.reason === 'unsupported' && detail.claim === 'alg' && detail.actual !== 'none')
    return 'UNSUPPORTED_ALGORITHM';
  return 'INVALID_PROOF';
}

describe('verifyHandshake failures carry detail', () => {
  it.each([
    ['a wrong nonce', { nonce: 'other' }, { claim: 'nonce', reason: 'mismatch' }],
    ['no nonce', { claims: { nonce: undefined } }, { claim: 'nonce', reason: 'missing' }],
    ['a stale iat', { iat: now - 3600 }, { claim: 'iat', reason: 'stale' }],
    ['an expired exp', { claims: { exp: now - 3600 } }, { claim: 'exp', reason: 'expired' }],
    ['a future nbf', { claims: { nbf: now + 3600 } }, { claim: 'nbf', reason: 'not_yet_valid' }],
    ['no jti', { claims: { jti: undefined } }, { claim: 'jti', reason: 'missing' }],
    ['an empty sub', { claims: { sub: '' } }, { claim: 'sub', reason: 'malformed' }],
    [
      'another device_id',
      { claims: { device_id: 'x' } },
      { claim: 'device_id', reason: 'mismatch' },
    ],
    [
      'no encryption key',
      { claims: { encryption_key: undefined } },
      { claim: 'encryption_key', reason: 'malformed' },
    ],
    [
      'malformed attestation',
      { claims: { attestation: 5 } },
      { claim: 'attestation', reason: 'malformed' },
    ],
    ['a wrong typ', { header: { typ: 'dpop+jwt' } }, { claim: 'typ', reason: 'mismatch' }],
  ])('%s', async (_, spec, detail) => {
    const token = await makeHandshake(key, encryptionKey, spec as never);
    const err = await rejects(
      verifyHandshake(token, { expectedNonce: 'challenge-1' }),
      'INVALID_HANDSHAKE',
    );
    expect(err.detail).toMatchObject(detail);
  });

  it('a forged signature', async () => {
    const token = await makeHandshake(otherKey, encryptionKey, { header: { jwk: key.publicJwk } });
    const err = await rejects(
      verifyHandshake(token, { expectedNonce: 'challenge-1' }),
      'INVALID_HANDSHAKE',
    );
    expect(err.detail).toEqual({ claim: 'signature', reason: 'invalid_signature' });
  });

  it('an oversized token', async () => {
    const err = await rejects(
      verifyHandshake(`${'a'.repeat(70_000)}.b.c`, { expectedNonce: 'n' }),
      'INVALID_HANDSHAKE',
    );
    expect(err.detail).toEqual({ reason: 'too_long' });
  });

  it('a payload that is not an object', async () => {
    const token = await signJws(
      key,
      { alg: 'ES256', typ: 'devicebind-handshake+jwt', jwk: key.publicJwk },
      [1],
    );
    const err = await rejects(verifyHandshake(token, { expectedNonce: 'n' }), 'INVALID_HANDSHAKE');
    expect(err.detail).toEqual({ reason: 'malformed' });
  });
});
