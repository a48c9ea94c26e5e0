import { afterEach, describe, expect, it, vi } from 'vitest';
import { SIGNING_ALGORITHMS } from '../../../src/core/algorithms.js';
import { type PublicJwk, thumbprintInput } from '../../../src/core/jwk.js';
import { verificationKey, verifySignature } from '../../../src/server/lib/verification-keys.js';
import { newKey } from '../helpers/proofs.js';

const ES256 = SIGNING_ALGORITHMS.ES256;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('verificationKey', () => {
  it('computes the RFC 7638 thumbprint, as jose does', async () => {
    const { calculateJwkThumbprint } = await import('jose');
    const key = await newKey();
    const { thumbprint } = await verificationKey(
      key.publicJwk,
      thumbprintInput(key.publicJwk),
      ES256,
    );
    expect(thumbprint).toBe(await calculateJwkThumbprint(key.publicJwk));
  });

  it('imports each key once, even for concurrent first requests', async () => {
    const key = await newKey();
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        verificationKey(key.publicJwk, thumbprintInput(key.publicJwk), ES256),
      ),
    );
    expect(importKey).toHaveBeenCalledTimes(1);
    expect(new Set(results.map((r) => r.key)).size).toBe(1);
  });

  it('does not cache a key that failed to import', async () => {
    const bogus: PublicJwk = { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'A'.repeat(43) };
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    await expect(verificationKey(bogus, thumbprintInput(bogus), ES256)).rejects.toThrow();
    await expect(verificationKey(bogus, thumbprintInput(bogus), ES256)).rejects.toThrow();
    expect(importKey).toHaveBeenCalledTimes(2);
  });
});

describe('verifySignature', () => {
  it('treats a signature of the wrong length as invalid without calling WebCrypto', async () => {
    const key = await newKey();
    const { key: cryptoKey } = await verificationKey(
      key.publicJwk,
      thumbprintInput(key.publicJwk),
      ES256,
    );
    const verify = vi.spyOn(crypto.subtle, 'verify');
    expect(await verifySignature(ES256, cryptoKey, new Uint8Array(10), new Uint8Array(63))).toBe(
      false,
    );
    expect(await verifySignature(ES256, cryptoKey, new Uint8Array(10), new Uint8Array(72))).toBe(
      false,
    );
    expect(verify).not.toHaveBeenCalled();
  });
});
