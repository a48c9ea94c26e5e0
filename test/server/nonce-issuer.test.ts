import { describe, expect, it } from 'vitest';
import { DeviceBindingError } from '../../src/core/errors.js';
import { nonceChallengeHeaders } from '../../src/server/nonce-challenge.js';
import { createNonceIssuer } from '../../src/server/nonce-issuer.js';
import { thrown } from '../helpers/rejections.js';

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

  it('takes the secret as an ArrayBuffer or any view of one, with the same nonces', () => {
    const reference = createNonceIssuer({ secret, now: () => 1_800_000_000_000 }).issue();
    for (const bytes of [
      secret.slice().buffer,
      new DataView(secret.slice().buffer),
      Buffer.from(secret),
    ]) {
      expect(
        createNonceIssuer({ secret: bytes as ArrayBuffer, now: () => 1_800_000_000_000 }).issue(),
      ).toBe(reference);
    }
  });

  it.each([
    ['no options', undefined, '"options" must be an object'],
    [
      'a short secret',
      { secret: new Uint8Array(31) },
      '"options.secret" must be at least 32 random bytes',
    ],
    [
      'a short ArrayBuffer secret',
      { secret: new ArrayBuffer(16) },
      '"options.secret" must be at least 32 random bytes',
    ],
    [
      'a string secret',
      { secret: 'x'.repeat(32) },
      '"options.secret" must be a Uint8Array or an ArrayBuffer',
    ],
    [
      'a zero window',
      { secret, windowSeconds: 0 },
      '"options.windowSeconds" must be an integer of seconds from 1 to 86400',
    ],
    [
      'a fractional window',
      { secret, windowSeconds: 1.5 },
      '"options.windowSeconds" must be an integer of seconds from 1 to 86400',
    ],
    ['a clock that is not a function', { secret, now: 5 }, '"options.now" must be a function'],
  ])('refuses %s with INVALID_ARGUMENT saying what it must be', (_, options, message) => {
    const err = thrown(() => createNonceIssuer(options as never), 'INVALID_ARGUMENT');
    expect(err.message).toBe(message);
  });
});

describe('nonceChallengeHeaders', () => {
  it('builds the RFC 9449 §9 use_dpop_nonce challenge', () => {
    const headers = nonceChallengeHeaders('abc_123');
    expect(headers['DPoP-Nonce']).toBe('abc_123');
    expect(headers['WWW-Authenticate']).toMatch(
      /^DPoP error="use_dpop_nonce", error_description="[^"]+", algs="ES256 EdDSA Ed25519"$/,
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

  it('refuses a missing nonce, saying a nonce string is needed', () => {
    const err = thrown(
      () => (nonceChallengeHeaders as (nonce?: string) => unknown)(),
      'INVALID_ARGUMENT',
    );
    expect(err.message).toBe('"nonce" must be a nonce string (e.g. nonces.issue())');
  });

  it('refuses the nonce issuer in place of a nonce, saying to pass issue()', () => {
    const { issuer } = issuerAt(1_800_000_000_000);
    const err = thrown(() => nonceChallengeHeaders(issuer as never), 'INVALID_ARGUMENT');
    expect(err.message).toBe(
      '"nonce" must be a nonce string, not the nonce issuer: pass nonces.issue()',
    );
  });

  it('refuses a description that would break the quoted string', () => {
    expect(() => nonceChallengeHeaders('n', { description: 'say "hi"' })).toThrow(
      DeviceBindingError,
    );
  });
});
