import { describe, expect, it } from 'vitest';
import { DeviceBindingError } from '../../src/core/errors.js';
import { nonceChallengeHeaders } from '../../src/server/nonce-challenge.js';
import { createNonceIssuer } from '../../src/server/nonce-issuer.js';

const secret = new Uint8Array(32).map((_, i) => i);

function issuerAt(start: number, windowSeconds = 300, key = secret) {
  const state = { now: start };
  return { state, issuer: createNonceIssuer({ secret: key, windowSeconds, now: () => state.now }) };
}

describe('createNonceIssuer', () => {
  it('issues a url-safe nonce usable as a DPoP-Nonce value', () => {
    const { issuer } = issuerAt(1_800_000_000_000);
    expect(issuer.issue()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('accepts the current window and the previous one, and rotates', () => {
    const { state, issuer } = issuerAt(1_800_000_000_000, 60);
    const first = issuer.issue();
    expect(issuer.verify(first)).toBe(true);
    state.now += 60_000;
    const second = issuer.issue();
    expect(second).not.toBe(first);
    expect(issuer.verify(first)).toBe(true);
    expect(issuer.verify(second)).toBe(true);
  });

  it('refuses a nonce from an expired window', () => {
    const { state, issuer } = issuerAt(1_800_000_000_000, 60);
    const old = issuer.issue();
    state.now += 120_000;
    expect(issuer.verify(old)).toBe(false);
  });

  it('refuses a nonce from a future window', () => {
    const { state, issuer } = issuerAt(1_800_000_000_000, 60);
    state.now += 60_000;
    const future = issuer.issue();
    state.now -= 60_000;
    expect(issuer.verify(future)).toBe(false);
  });

  it('is stateless: another issuer with the same secret agrees', () => {
    const a = issuerAt(1_800_000_000_000).issuer;
    const b = issuerAt(1_800_000_000_000).issuer;
    expect(b.verify(a.issue())).toBe(true);
  });

  it('refuses nonces made with another secret', () => {
    const a = issuerAt(1_800_000_000_000).issuer;
    const b = issuerAt(1_800_000_000_000, 300, new Uint8Array(32).fill(9)).issuer;
    expect(b.verify(a.issue())).toBe(false);
  });

  it('does not depend on later changes to the secret buffer', () => {
    const key = new Uint8Array(32).fill(5);
    const { issuer } = issuerAt(1_800_000_000_000, 300, key);
    const nonce = issuer.issue();
    key.fill(6);
    expect(issuer.verify(nonce)).toBe(true);
  });

  it('refuses a tampered nonce', () => {
    const { issuer } = issuerAt(1_800_000_000_000);
    const nonce = issuer.issue();
    const tampered = `${nonce[0] === 'A' ? 'B' : 'A'}${nonce.slice(1)}`;
    expect(issuer.verify(tampered)).toBe(false);
  });

  it.each([undefined, null, 42, '', 'short', 'x'.repeat(10_000)])(
    'returns false, never throws, for %j',
    (value) => {
      const { issuer } = issuerAt(1_800_000_000_000);
      expect(issuer.verify(value as never)).toBe(false);
    },
  );

  it.each([
    ['a short secret', { secret: new Uint8Array(31) }],
    ['a string secret', { secret: 'x'.repeat(32) }],
    ['a zero window', { secret, windowSeconds: 0 }],
    ['a fractional window', { secret, windowSeconds: 1.5 }],
  ])('refuses %s', (_, options) => {
    expect(() => createNonceIssuer(options as never)).toThrow(DeviceBindingError);
  });
});

describe('nonceChallengeHeaders', () => {
  it('builds the RFC 9449 §9 use_dpop_nonce challenge', () => {
    const headers = nonceChallengeHeaders('abc_123');
    expect(headers['DPoP-Nonce']).toBe('abc_123');
    expect(headers['WWW-Authenticate']).toMatch(
      /^DPoP error="use_dpop_nonce", error_description="[^"]+", algs="ES256 EdDSA"$/,
    );
  });

  it('works with a Response and a nonce from the issuer', () => {
    const { issuer } = issuerAt(1_800_000_000_000);
    const response = new Response(null, {
      status: 401,
      headers: nonceChallengeHeaders(issuer.issue()),
    });
    expect(issuer.verify(response.headers.get('dpop-nonce')!)).toBe(true);
  });

  it.each(['', 'has space"', 'back\\slash', 'new\nline'])('refuses the nonce %j', (nonce) => {
    expect(() => nonceChallengeHeaders(nonce)).toThrow(DeviceBindingError);
  });

  it('refuses a description that would break the quoted string', () => {
    expect(() => nonceChallengeHeaders('n', { description: 'say "hi"' })).toThrow(
      DeviceBindingError,
    );
  });
});
