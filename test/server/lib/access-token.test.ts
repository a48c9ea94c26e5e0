// The `ath` hash cache: bounded by construction, and a hit only for the very same token, so
// a token that shares a prefix, a length or a slot with a cached one never gets its hash.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenHashCache } from '../../../src/server/lib/access-token.js';
import { SYNC_DIGEST_LIMIT } from '../../../src/server/lib/small-digest.js';
import { MemoryReplayCache } from '../../../src/server/replay-cache.js';
import { verifyRequest } from '../../../src/server/verify-request.js';
import { makeProof, newKey, requestWith, sha256b64url } from '../helpers/proofs.js';
import { rejects } from '../helpers/rejects.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const TOKEN = `eyJhbGciOiJFUzI1NiJ9.${'x'.repeat(600)}.signature-part-AAAA`;

/** A token of the same length as `token` that lands in the same slot of `cache`. */
function sameSlotToken(cache: TokenHashCache, token: string): string {
  const slot = cache.slotOf(token);
  for (let i = 0; ; i++) {
    const candidate = `${token.slice(0, -6)}${String(i).padStart(6, '0')}`;
    if (candidate !== token && cache.slotOf(candidate) === slot) return candidate;
  }
}

describe('TokenHashCache', () => {
  it('gives the base64url SHA-256 of the token, the first time and from the cache', async () => {
    const cache = new TokenHashCache(16);
    const expected = await sha256b64url(TOKEN);
    expect(cache.hash(TOKEN)).toBe(expected);
    expect(cache.hash(TOKEN)).toBe(expected);
    expect(cache.size).toBe(1);
  });

  it('hashes a short token without WebCrypto, synchronously', () => {
    const digest = vi.spyOn(crypto.subtle, 'digest');
    expect(typeof new TokenHashCache(16).hash(TOKEN)).toBe('string');
    expect(digest).not.toHaveBeenCalled();
  });

  it('hashes a token longer than the synchronous limit through WebCrypto, correctly', async () => {
    const long = 'L'.repeat(SYNC_DIGEST_LIMIT + 1);
    const cache = new TokenHashCache(16);
    expect(await cache.hash(long)).toBe(await sha256b64url(long));
    expect(cache.hash(long)).toBe(await sha256b64url(long));
  });

  it('gives a token that shares a cached token’s prefix its own hash', async () => {
    const cache = new TokenHashCache(16);
    cache.hash(TOKEN);
    const longer = `${TOKEN}B`;
    const shorter = TOKEN.slice(0, -1);
    expect(cache.hash(longer)).toBe(await sha256b64url(longer));
    expect(cache.hash(shorter)).toBe(await sha256b64url(shorter));
  });

  it('gives a token of the same length, differing in one character, its own hash', async () => {
    const cache = new TokenHashCache(16);
    cache.hash(TOKEN);
    const other = `X${TOKEN.slice(1)}`;
    expect(other.length).toBe(TOKEN.length);
    expect(cache.hash(other)).toBe(await sha256b64url(other));
    expect(cache.hash(TOKEN)).toBe(await sha256b64url(TOKEN));
  });

  it('gives a token in the same slot its own hash, and the first token its own after', async () => {
    const cache = new TokenHashCache(16);
    const other = sameSlotToken(cache, TOKEN);
    expect(cache.slotOf(other)).toBe(cache.slotOf(TOKEN));
    cache.hash(TOKEN);
    expect(cache.hash(other)).toBe(await sha256b64url(other));
    expect(cache.hash(TOKEN)).toBe(await sha256b64url(TOKEN));
    expect(cache.size).toBe(1);
  });

  it('never holds more tokens than it has slots', () => {
    const cache = new TokenHashCache(64);
    for (let i = 0; i < 10_000; i++) cache.hash(`token-${i}`);
    expect(cache.size).toBeLessThanOrEqual(64);
    expect(cache.size).toBeGreaterThan(32);
  });
});

describe('verifyRequest with a cached access token hash', () => {
  const verify = async (signedFor: string, presented: string) => {
    const key = await newKey();
    return verifyRequest(await requestWith(await makeProof(key, { accessToken: signedFor })), {
      signingKey: key.publicJwk,
      accessToken: presented,
      replayCache: new MemoryReplayCache(),
    });
  };

  it('needs no WebCrypto digest for the access token', async () => {
    const key = await newKey();
    const request = await requestWith(await makeProof(key, { accessToken: TOKEN }));
    const digest = vi.spyOn(crypto.subtle, 'digest');
    await verifyRequest(request, {
      signingKey: key.publicJwk,
      accessToken: TOKEN,
      replayCache: new MemoryReplayCache(),
    });
    expect(digest).not.toHaveBeenCalled();
  });

  it('refuses a token that extends the token the proof was made for', async () => {
    await verify(TOKEN, TOKEN);
    await rejects(verify(TOKEN, `${TOKEN}x`), 'INVALID_PROOF', { claim: 'ath' });
  });

  it('refuses a token of the same length as the one the proof was made for', async () => {
    await verify(TOKEN, TOKEN);
    await rejects(verify(TOKEN, `Y${TOKEN.slice(1)}`), 'INVALID_PROOF', { claim: 'ath' });
  });

  it("refuses a token in the cached token's slot", async () => {
    // The verifier's cache has 1024 slots; a cache of the same size places tokens alike.
    const other = sameSlotToken(new TokenHashCache(1024), TOKEN);
    await verify(TOKEN, TOKEN);
    await rejects(verify(TOKEN, other), 'INVALID_PROOF', { claim: 'ath' });
    await rejects(verify(other, TOKEN), 'INVALID_PROOF', { claim: 'ath' });
  });
});
