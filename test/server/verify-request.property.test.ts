// Property-based tests: whatever arrives, verifyRequest answers with a DeviceBindingError
// (or, for an intact proof, success), never another kind of error and never a hang.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeviceBindingError } from '../../src/core/errors.js';
import { MemoryReplayCache } from '../../src/server/replay-cache.js';
import { verifyRequest } from '../../src/server/verify-request.js';
import { b64json, makeProof, newKey, nowSeconds, signJws } from './helpers/proofs.js';
import { outcome } from './helpers/rejects.js';

const URL = 'https://api.example.com/v1/items';
const key = await newKey();
const options = { signingKey: key.publicJwk, replayCache: new MemoryReplayCache() };

const b64urlChars = fc.constantFrom(
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'.split(''),
);
const jwsLike = fc.array(b64urlChars, { maxLength: 400 }).map((chars) => chars.join(''));
const json = fc.jsonValue({ maxDepth: 3 });

describe('verifyRequest under arbitrary input', () => {
  it('refuses any string as the DPoP header with INVALID_PROOF', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 300 }),
          jwsLike,
        ),
        async (value) => {
          const result = await outcome(
            verifyRequest({ method: 'GET', url: URL, headers: { dpop: value } }, options),
          );
          expect(result).toBeInstanceOf(DeviceBindingError);
          expect((result as DeviceBindingError).code).toBe('INVALID_PROOF');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses arbitrary JSON headers and payloads, even when correctly signed', async () => {
    await fc.assert(
      fc.asyncProperty(json, json, async (header, payload) => {
        const token = await signJws(key, header as Record<string, unknown>, payload);
        const result = await outcome(
          verifyRequest({ method: 'GET', url: URL, headers: { dpop: token } }, options),
        );
        expect(result).toBeInstanceOf(DeviceBindingError);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses arbitrary claims under a valid header, correctly signed', async () => {
    const claim = fc.oneof(json, fc.constant(undefined));
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          jti: claim,
          htm: fc.oneof(claim, fc.constant('GET')),
          htu: fc.oneof(claim, fc.constant(URL)),
          iat: claim,
          ath: claim,
          nonce: claim,
          content_digest: claim,
        }),
        async (claims) => {
          const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicJwk };
          const token = await signJws(key, header, JSON.parse(JSON.stringify(claims)));
          const result = await outcome(
            verifyRequest({ method: 'GET', url: URL, headers: { dpop: token } }, options),
          );
          // iat is never the current time here, so nothing can pass.
          expect(result).toBeInstanceOf(DeviceBindingError);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses every single-character change to a valid proof', async () => {
    const proof = await makeProof(key, { url: URL });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: proof.length - 1 }),
        fc.constantFrom(...alphabet.split('')),
        async (index, char) => {
          fc.pre(proof[index] !== char);
          const mutated = proof.slice(0, index) + char + proof.slice(index + 1);
          const result = await outcome(
            verifyRequest({ method: 'GET', url: URL, headers: { dpop: mutated } }, options),
          );
          expect(result).toBeInstanceOf(DeviceBindingError);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses truncations of a valid proof', async () => {
    const proof = await makeProof(key, { url: URL });
    for (let length = 0; length < proof.length; length++) {
      const result = await outcome(
        verifyRequest(
          { method: 'GET', url: URL, headers: { dpop: proof.slice(0, length) } },
          options,
        ),
      );
      expect(result).toBeInstanceOf(DeviceBindingError);
    }
  });

  it('answers arbitrary requests and options with a DeviceBindingError, never a TypeError', async () => {
    const proof = await makeProof(key, { url: URL });
    const request = fc.oneof(
      fc.anything(),
      fc.record(
        { method: fc.anything(), url: fc.anything(), headers: fc.anything(), body: fc.anything() },
        { requiredKeys: [] },
      ),
      fc.record({
        method: fc.constant('GET'),
        url: fc.constant(URL),
        headers: fc.dictionary(fc.string(), fc.anything()),
        body: fc.anything(),
      }),
      fc.record({
        method: fc.constant('GET'),
        url: fc.constant(URL),
        headers: fc.constant({ dpop: proof }),
        body: fc.oneof(fc.anything(), fc.string()),
      }),
      fc.record({ method: fc.string(), body: fc.option(fc.string()) }).map(({ method, body }) => {
        try {
          return new Request(URL, { method, headers: { dpop: proof }, body });
        } catch {
          return new Request(URL, { headers: { dpop: proof } });
        }
      }),
    );
    const opts = fc.oneof(
      fc.anything(),
      fc.record(
        {
          signingKey: fc.oneof(fc.anything(), fc.constant(key.publicJwk)),
          accessToken: fc.anything(),
          jkt: fc.anything(),
          replayCache: fc.oneof(fc.anything(), fc.constant(new MemoryReplayCache())),
          expectedNonce: fc.anything(),
          nonce: fc.anything(),
          expectedOrigin: fc.oneof(fc.anything(), fc.string()),
          bodyBinding: fc.anything(),
          maxAgeSeconds: fc.anything(),
          clockToleranceSeconds: fc.anything(),
          now: fc.anything(),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(request, opts, async (req, opt) => {
        const result = await outcome(verifyRequest(req as never, opt as never));
        if (result !== 'ok') expect(result).toBeInstanceOf(DeviceBindingError);
      }),
      { numRuns: 1000 },
    );
  });

  it('answers a proof whose jwk is arbitrary JSON with a DeviceBindingError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          json,
          fc.record(
            {
              kty: fc.constantFrom('EC', 'OKP', 'RSA', 'oct'),
              crv: fc.string(),
              x: fc.string(),
              y: fc.string(),
              d: fc.string(),
            },
            { requiredKeys: ['kty'] },
          ),
        ),
        async (jwk) => {
          const token = `${b64json({ typ: 'dpop+jwt', alg: 'ES256', jwk })}.${b64json({ jti: 'a', htm: 'GET', htu: URL, iat: nowSeconds() })}.AAAA`;
          const result = await outcome(
            verifyRequest({ method: 'GET', url: URL, headers: { dpop: token } }, options),
          );
          expect(result).toBeInstanceOf(DeviceBindingError);
        },
      ),
      { numRuns: 300 },
    );
  });
});
