// A handshake is accepted once. A single-use challenge does that by itself; a nonce issuer
// accepts its nonce for a whole window, so verifyHandshake then requires a replay cache and
// remembers each handshake's `jti` under the device's id.

import { describe, expect, it } from 'vitest';
import { createNonceIssuer } from '../../src/server/nonce-issuer.js';
import { MemoryReplayCache, type ReplayCache } from '../../src/server/replay-cache.js';
import { verifyHandshake } from '../../src/server/verify-handshake.js';
import { makeHandshake, newEncryptionKey } from './helpers/handshakes.js';
import { newKey } from './helpers/proofs.js';
import { rejects } from './helpers/rejects.js';

const key = await newKey();
const encryptionKey = await newEncryptionKey();
const issuer = createNonceIssuer({ secret: crypto.getRandomValues(new Uint8Array(32)) });

/** A ReplayCache that records the ids it is asked about. */
function recordingCache(): ReplayCache & { ids: string[] } {
  const inner = new MemoryReplayCache();
  const ids: string[] = [];
  return {
    ids,
    checkAndStore(id, expiresAt) {
      ids.push(id);
      return inner.checkAndStore(id, expiresAt);
    },
  };
}

describe('verifyHandshake with a nonce issuer', () => {
  it('refuses to run without a replay cache (INVALID_ARGUMENT)', async () => {
    const token = await makeHandshake(key, encryptionKey, { nonce: issuer.issue() });
    const err = await rejects(
      verifyHandshake(token, { expectedNonce: issuer }),
      'INVALID_ARGUMENT',
    );
    expect(err.message).toContain('"options.replayCache"');
  });

  it('refuses replayCache: false (INVALID_ARGUMENT)', async () => {
    const token = await makeHandshake(key, encryptionKey, { nonce: issuer.issue() });
    await rejects(
      verifyHandshake(token, { expectedNonce: issuer, replayCache: false }),
      'INVALID_ARGUMENT',
    );
  });

  it('accepts a handshake once, and refuses it the second and third time', async () => {
    const replayCache = new MemoryReplayCache();
    const token = await makeHandshake(key, encryptionKey, { nonce: issuer.issue() });
    await verifyHandshake(token, { expectedNonce: issuer, replayCache });
    for (let attempt = 0; attempt < 2; attempt++) {
      await rejects(
        verifyHandshake(token, { expectedNonce: issuer, replayCache }),
        'INVALID_HANDSHAKE',
        { claim: 'jti', reason: 'replayed' },
      );
    }
  });

  it('accepts two handshakes with the same nonce but different ids', async () => {
    const replayCache = new MemoryReplayCache();
    const nonce = issuer.issue();
    for (let i = 0; i < 2; i++) {
      const token = await makeHandshake(key, encryptionKey, { nonce });
      await expect(
        verifyHandshake(token, { expectedNonce: issuer, replayCache }),
      ).resolves.toBeTruthy();
    }
  });

  it('remembers the id under the device id, so a per-key quota counts per device', async () => {
    const replayCache = recordingCache();
    const token = await makeHandshake(key, encryptionKey, {
      nonce: issuer.issue(),
      claims: { jti: 'hs-1' },
    });
    const { deviceId } = await verifyHandshake(token, { expectedNonce: issuer, replayCache });
    expect(replayCache.ids).toEqual([`${deviceId}:hs:hs-1`]);
  });

  it('remembers nothing from a handshake refused for another reason', async () => {
    const replayCache = recordingCache();
    const refused = await makeHandshake(key, encryptionKey, {
      nonce: 'not-from-the-issuer',
      claims: { jti: 'hs-2' },
    });
    await rejects(
      verifyHandshake(refused, { expectedNonce: issuer, replayCache }),
      'INVALID_HANDSHAKE',
    );
    expect(replayCache.ids).toEqual([]);
    const valid = await makeHandshake(key, encryptionKey, {
      nonce: issuer.issue(),
      claims: { jti: 'hs-2' },
    });
    await expect(
      verifyHandshake(valid, { expectedNonce: issuer, replayCache }),
    ).resolves.toBeTruthy();
  });

  it('fails closed when the replay cache fails (REPLAY_CHECK_FAILED)', async () => {
    const token = await makeHandshake(key, encryptionKey, { nonce: issuer.issue() });
    const replayCache = { checkAndStore: () => Promise.reject(new Error('redis down')) };
    await rejects(
      verifyHandshake(token, { expectedNonce: issuer, replayCache }),
      'REPLAY_CHECK_FAILED',
      { reason: 'unavailable' },
    );
  });

  it('refuses a handshake id longer than 256 characters', async () => {
    const token = await makeHandshake(key, encryptionKey, {
      nonce: issuer.issue(),
      claims: { jti: 'j'.repeat(257) },
    });
    await rejects(
      verifyHandshake(token, { expectedNonce: issuer, replayCache: new MemoryReplayCache() }),
      'INVALID_HANDSHAKE',
      { claim: 'jti', reason: 'too_long' },
    );
  });
});

describe('verifyHandshake with other nonce checks', () => {
  it('also refuses a replay when a replay cache is given with a fixed challenge', async () => {
    const replayCache = new MemoryReplayCache();
    const token = await makeHandshake(key, encryptionKey, { nonce: 'challenge-1' });
    await verifyHandshake(token, { expectedNonce: 'challenge-1', replayCache });
    await rejects(
      verifyHandshake(token, { expectedNonce: 'challenge-1', replayCache }),
      'INVALID_HANDSHAKE',
      { reason: 'replayed' },
    );
  });

  it('needs no replay cache with a single-use challenge, which refuses the second use', async () => {
    const challenges = new Set(['challenge-2']);
    const expectedNonce = (nonce: string) => challenges.delete(nonce);
    const token = await makeHandshake(key, encryptionKey, { nonce: 'challenge-2' });
    await verifyHandshake(token, { expectedNonce });
    await rejects(verifyHandshake(token, { expectedNonce }), 'INVALID_HANDSHAKE', {
      claim: 'nonce',
    });
  });
});
