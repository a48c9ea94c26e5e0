// verifyRequest for OAuth resource servers (RFC 9449 §7.1): no registered key, only the
// access token's `cnf.jkt`; the proof's own key must have exactly that thumbprint.

import { calculateJwkThumbprint } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PublicJwk } from '../../src/core/jwk.js';
import { MemoryReplayCache } from '../../src/server/replay-cache.js';
import { verifyRequest } from '../../src/server/verify-request.js';
import { makeProof, newKey, requestWith } from './helpers/proofs.js';
import { rejects } from './helpers/rejects.js';

const key = await newKey();
const otherKey = await newKey();
const jkt = await calculateJwkThumbprint(key.publicJwk);
const token = 'at-jkt-1';

afterEach(() => {
  vi.restoreAllMocks();
});

const options = (extra: Record<string, unknown> = {}) => ({
  jkt,
  accessToken: token,
  replayCache: new MemoryReplayCache(),
  ...extra,
});

describe('verifyRequest with jkt accepts', () => {
  it('a proof whose embedded key has the thumbprint jkt, and returns it as the device id', async () => {
    const request = await requestWith(await makeProof(key, { accessToken: token }));
    const { deviceId } = await verifyRequest(request, options());
    expect(deviceId).toBe(jkt);
  });

  it('an Ed25519 key named by its thumbprint', async () => {
    const edKey = await newKey('EdDSA');
    const request = await requestWith(await makeProof(edKey));
    await expect(
      verifyRequest(request, {
        jkt: await calculateJwkThumbprint(edKey.publicJwk),
        replayCache: new MemoryReplayCache(),
      }),
    ).resolves.toBeTruthy();
  });
});

describe('verifyRequest with jkt refuses', () => {
  it("another device's proof (its key has another thumbprint)", async () => {
    const request = await requestWith(await makeProof(otherKey, { accessToken: token }));
    const err = await rejects(verifyRequest(request, options()), 'INVALID_PROOF', {
      claim: 'jwk',
      reason: 'mismatch',
    });
    expect(err.message).toContain('cnf.jkt');
  });

  it("another device's proof before importing its key (no work for a key that cannot match)", async () => {
    const request = await requestWith(await makeProof(await newKey(), { accessToken: token }));
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    await rejects(verifyRequest(request, options()), 'INVALID_PROOF');
    expect(importKey).not.toHaveBeenCalled();
  });

  it('a proof that embeds the bound key but is signed by another', async () => {
    const request = await requestWith(
      await makeProof(otherKey, { accessToken: token, header: { jwk: key.publicJwk } }),
    );
    await rejects(verifyRequest(request, options()), 'INVALID_PROOF', {
      reason: 'invalid_signature',
    });
  });

  it('a proof whose embedded key matches jkt but is not a point on the curve', async () => {
    const bogus: PublicJwk = { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'A'.repeat(43) };
    const request = await requestWith(
      await makeProof(key, { accessToken: token, header: { jwk: bogus } }),
    );
    await rejects(
      verifyRequest(request, options({ jkt: await calculateJwkThumbprint(bogus) })),
      'INVALID_PROOF',
      { claim: 'jwk', reason: 'malformed' },
    );
  });

  it('a proof made for another access token', async () => {
    const request = await requestWith(await makeProof(key, { accessToken: 'at-other' }));
    await rejects(verifyRequest(request, options()), 'INVALID_PROOF', { claim: 'ath' });
  });
});

describe('verifyRequest key options', () => {
  it.each([
    ['both signingKey and jkt', { signingKey: key.publicJwk, jkt }],
    ['neither signingKey nor jkt', {}],
    ['a jkt that is the cnf object, not its member', { jkt: { jkt } }],
    ['a jkt of the wrong length', { jkt: jkt.slice(1) }],
    ['a jkt that is not base64url', { jkt: `${jkt.slice(1)}=` }],
    ['an empty jkt', { jkt: '' }],
  ])('refuse %s (INVALID_ARGUMENT)', async (_, keys) => {
    const request = await requestWith(await makeProof(key));
    const err = await rejects(
      verifyRequest(request, { replayCache: new MemoryReplayCache(), ...keys } as never),
      'INVALID_ARGUMENT',
    );
    expect(err.message).toMatch(/jkt/);
  });
});
