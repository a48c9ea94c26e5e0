// verifyRotation: a valid rotation token moves the binding; every forgery and misuse the
// format must stop (docs/formats/rotation.md) is refused, each by its own test, with the
// detail that names it. Tokens are built by hand here so that each can be broken one way.

import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import { answerVerificationError } from '../../src/server/answer-verification-error.js';
import { MemoryReplayCache } from '../../src/server/replay-cache.js';
import { verifyHandshake } from '../../src/server/verify-handshake.js';
import { type VerifyRotationOptions, verifyRotation } from '../../src/server/verify-rotation.js';
import { makeHandshake, newEncryptionKey } from './helpers/handshakes.js';
import { b64json, newKey, nowSeconds, signJws } from './helpers/proofs.js';
import { rejects } from './helpers/rejects.js';
import { makeRotation } from './helpers/rotations.js';

const oldKey = await newKey();
const newSigningKey = await newKey();
const strangerKey = await newKey();
const encryptionKey = await newEncryptionKey();
const oldId = await calculateJwkThumbprint(oldKey.publicJwk);
const newId = await calculateJwkThumbprint(newSigningKey.publicJwk);
const strangerId = await calculateJwkThumbprint(strangerKey.publicJwk);
const NONCE = 'challenge-1';

function options(extra: Partial<VerifyRotationOptions> = {}): VerifyRotationOptions {
  return {
    current: oldKey.publicJwk,
    expectedNonce: NONCE,
    replayCache: new MemoryReplayCache(),
    isBound: () => false,
    ...extra,
  };
}

function refused(promise: Promise<unknown>, claim: string, reason: string) {
  return rejects(promise, 'INVALID_ROTATION', { claim, reason });
}

describe('verifyRotation accepts', () => {
  it('a token from the current key to a new pair, and returns the new binding', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey, {
      innerClaims: { reason: 'schedule' },
    });
    const rotated = await verifyRotation(token, options());
    expect(rotated.deviceId).toBe(newId);
    expect(rotated.previousDeviceId).toBe(oldId);
    expect(rotated.signingKey).toMatchObject(newSigningKey.publicJwk);
    expect(rotated.encryptionKey).toEqual(encryptionKey);
    expect(rotated.claims).toEqual({ reason: 'schedule' });
    expect(rotated.attestation).toBeUndefined();
  });

  it('the current key given as its thumbprint', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey);
    expect((await verifyRotation(token, options({ current: oldId }))).deviceId).toBe(newId);
  });

  it('asks isBound about the new device id only', async () => {
    const asked: string[] = [];
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey);
    const isBound = (id: string) => {
      asked.push(id);
      return false;
    };
    await verifyRotation(token, options({ isBound }));
    expect(asked).toEqual([newId]);
  });
});

describe('verifyRotation refuses a token signed only by the new key', () => {
  it('when the new key signs the outer JWS as itself', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey, {
      outerSigner: newSigningKey,
    });
    const err = await refused(verifyRotation(token, options()), 'jwk', 'mismatch');
    expect(err.detail).toMatchObject({ expected: oldId, actual: newId });
  });

  it('when the new key signs an outer JWS that claims the old key', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey, {
      outerSigner: newSigningKey,
      outerHeader: { alg: 'ES256', jwk: oldKey.publicJwk },
    });
    await refused(verifyRotation(token, options()), 'signature', 'invalid_signature');
  });

  it('when the inner handshake is sent alone', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey);
    const inner = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).handshake;
    const err = await rejects(verifyRotation(inner, options()), 'INVALID_ROTATION');
    expect(err.message).toContain('"typ": "devicebind-rotation+jwt"');
  });
});

describe('verifyRotation refuses a token whose keys do not agree', () => {
  it('when the old key names another new key than the one that signed the handshake', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey, {
      outerClaims: { new_device_id: strangerId },
    });
    await refused(verifyRotation(token, options()), 'new_device_id', 'mismatch');
  });

  it('when the handshake is signed by another key than the one the old key names', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey, {
      innerSigner: strangerKey,
    });
    await refused(verifyRotation(token, options()), 'new_device_id', 'mismatch');
  });

  it('when the new key’s handshake names another key it replaces', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey, {
      innerClaims: { previous_device_id: strangerId },
    });
    await refused(verifyRotation(token, options()), 'previous_device_id', 'mismatch');
  });

  it('when the new key’s handshake names no key it replaces (a sign-in handshake)', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey, {
      innerClaims: { previous_device_id: undefined },
    });
    await refused(verifyRotation(token, options()), 'previous_device_id', 'missing');
  });

  it('when the inner JWS is a sign-in handshake (its typ)', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey, {
      innerHeader: { typ: 'devicebind-handshake+jwt' },
    });
    const err = await rejects(verifyRotation(token, options()), 'INVALID_ROTATION');
    expect(err.message).toContain('devicebind-rotation-handshake+jwt');
  });

  it('when the new key equals the old one', async () => {
    const token = await makeRotation(oldKey, oldKey, encryptionKey);
    await refused(verifyRotation(token, options()), 'new_device_id', 'unchanged');
  });
});

describe('verifyRotation refuses a rotation the server must not make', () => {
  it('from a key that is not the current binding', async () => {
    const token = await makeRotation(strangerKey, newSigningKey, encryptionKey);
    await refused(verifyRotation(token, options()), 'jwk', 'mismatch');
  });

  it('from a key that is not the current binding, given as a thumbprint', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey);
    await refused(verifyRotation(token, options({ current: strangerId })), 'jwk', 'mismatch');
  });

  it('to a new key already bound to another device (ACME’s 409)', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey);
    await refused(
      verifyRotation(token, options({ isBound: (id) => id === newId })),
      'new_device_id',
      'already_bound',
    );
  });

  it('when isBound fails (closed, not open)', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey);
    const err = await refused(
      verifyRotation(
        token,
        options({
          isBound: () => {
            throw new Error('database down');
          },
        }),
      ),
      'new_device_id',
      'unavailable',
    );
    expect((err.cause as Error).message).toBe('database down');
  });

  it('when isBound answers anything but false', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey);
    await refused(
      verifyRotation(token, options({ isBound: () => undefined as never })),
      'new_device_id',
      'already_bound',
    );
  });
});

describe('verifyRotation refuses a token that is not fresh', () => {
  it('a replayed token', async () => {
    const replayCache = new MemoryReplayCache();
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey);
    await verifyRotation(token, options({ replayCache }));
    await refused(verifyRotation(token, options({ replayCache })), 'jti', 'replayed');
  });

  it('a stale nonce (not the challenge the server expects)', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey, { nonce: 'old' });
    const err = await refused(verifyRotation(token, options()), 'nonce', 'mismatch');
    expect(err.message).toContain('"nonce"');
  });

  it('a nonce already spent (single use)', async () => {
    const issued = new Set([NONCE]);
    const expectedNonce = (nonce: string) => issued.delete(nonce);
    const first = await makeRotation(oldKey, newSigningKey, encryptionKey);
    const second = await makeRotation(oldKey, newSigningKey, encryptionKey);
    await verifyRotation(first, options({ expectedNonce }));
    await refused(verifyRotation(second, options({ expectedNonce })), 'nonce', 'mismatch');
  });

  it('a token issued too long ago', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey, {
      iat: nowSeconds() - 301,
    });
    await refused(verifyRotation(token, options()), 'iat', 'stale');
  });

  it('spends neither the nonce nor a replay entry on a token refused for its keys', async () => {
    const issued = new Set([NONCE]);
    const expectedNonce = (nonce: string) => issued.delete(nonce);
    const replayCache = new MemoryReplayCache();
    const bad = await makeRotation(oldKey, newSigningKey, encryptionKey, {
      outerClaims: { new_device_id: strangerId },
    });
    await rejects(verifyRotation(bad, options({ expectedNonce, replayCache })), 'INVALID_ROTATION');
    const good = await makeRotation(oldKey, newSigningKey, encryptionKey);
    expect((await verifyRotation(good, options({ expectedNonce, replayCache }))).deviceId).toBe(
      newId,
    );
  });

  it('when the replay cache fails (REPLAY_CHECK_FAILED, not an acceptance)', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey);
    const replayCache = {
      checkAndStore: async () => {
        throw new Error('redis down');
      },
    };
    await rejects(verifyRotation(token, options({ replayCache })), 'REPLAY_CHECK_FAILED');
  });
});

describe('verifyRotation refuses malformed and tampered tokens', () => {
  it('a handshake changed after the old key signed it', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey);
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const other = await makeHandshake(newSigningKey, encryptionKey, {
      header: { typ: 'devicebind-rotation-handshake+jwt' },
      claims: { previous_device_id: oldId, extra: 1 },
    });
    const forged = `${h}.${b64json({ ...payload, handshake: other })}.${s}`;
    await refused(verifyRotation(forged, options()), 'signature', 'invalid_signature');
  });

  it('an inner handshake whose own signature is broken', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey);
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    const [ih, ip] = (payload.handshake as string).split('.');
    const broken = `${ih}.${ip}.${'A'.repeat(86)}`;
    const token2 = await signJws(
      oldKey,
      { typ: 'devicebind-rotation+jwt', alg: 'ES256', jwk: oldKey.publicJwk },
      { new_device_id: newId, handshake: broken },
    );
    const err = await rejects(verifyRotation(token2, options()), 'INVALID_ROTATION');
    expect(err.message).toContain('signature');
  });

  it('an outer JWS with alg "none"', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey, {
      outerHeader: { alg: 'none' },
    });
    await rejects(verifyRotation(token, options()), 'INVALID_ROTATION');
  });

  it.each([
    ['no new_device_id', { new_device_id: undefined }, 'new_device_id', 'missing'],
    ['no handshake', { handshake: undefined }, 'handshake', 'missing'],
    ['a handshake that is not a string', { handshake: 7 }, 'handshake', 'malformed'],
  ])('an outer payload with %s', async (_, outerClaims, claim, reason) => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey, { outerClaims });
    await refused(verifyRotation(token, options()), claim, reason);
  });

  it('a token longer than the limit', async () => {
    const err = await rejects(verifyRotation('a'.repeat(90_001), options()), 'INVALID_ROTATION');
    expect(err.detail).toMatchObject({ reason: 'too_long' });
  });

  it('something that is not a compact JWS', async () => {
    await rejects(verifyRotation('not.a.jws!', options()), 'INVALID_ROTATION');
  });
});

describe('the rotation handshake is no sign-in handshake', () => {
  it('verifyHandshake refuses it (explicit typ)', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey);
    const inner = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).handshake;
    await rejects(verifyHandshake(inner, { expectedNonce: NONCE }), 'INVALID_HANDSHAKE');
  });
});

describe('verifyRotation checks its arguments', () => {
  it.each([
    ['a token that is not a string', 42, {}],
    ['no options', 'x', null],
    ['a current key that is neither a JWK nor a thumbprint', 'x', { current: 'short' }],
    ['a private current key', 'x', { current: { ...oldKey.publicJwk, d: 'AAAA' } }],
    ['no isBound', 'x', { isBound: undefined }],
    ['no replay cache', 'x', { replayCache: undefined }],
    ['no expected nonce', 'x', { expectedNonce: undefined }],
    ['maxAgeSeconds out of range', 'x', { maxAgeSeconds: 0 }],
  ])('%s (INVALID_ARGUMENT)', async (_, token, extra) => {
    const given = extra === null ? null : options(extra as Partial<VerifyRotationOptions>);
    await rejects(verifyRotation(token as string, given as never), 'INVALID_ARGUMENT');
  });
});

describe('answerVerificationError answers a refused rotation', () => {
  async function answerFor(token: string, extra: Partial<VerifyRotationOptions> = {}) {
    const err = await verifyRotation(token, options(extra)).then(
      () => expect.fail('verifyRotation accepted the token'),
      (e: unknown) => e,
    );
    return answerVerificationError(err, { verifying: 'rotation' });
  }

  it('with 409 when the new key is bound already (as ACME does)', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey);
    const answer = await answerFor(token, { isBound: () => true });
    expect(answer.status).toBe(409);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'conflict', code: 'INVALID_ROTATION' });
  });

  it('with 400 for a forged token', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey, {
      outerSigner: newSigningKey,
    });
    const answer = await answerFor(token);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_rotation' });
  });

  it('with 400 for an algorithm outside the allowlist', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey, {
      outerHeader: { alg: 'HS256' },
    });
    expect((await answerFor(token)).status).toBe(400);
  });

  it('with 503 when isBound could not answer', async () => {
    const token = await makeRotation(oldKey, newSigningKey, encryptionKey);
    const isBound = () => Promise.reject(new Error('database down'));
    const answer = await answerFor(token, { isBound });
    expect(answer.status).toBe(503);
    expect(answer.headers['Retry-After']).toBe('1');
  });
});
