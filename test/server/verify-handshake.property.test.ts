// Property-based tests: whatever arrives, verifyHandshake answers with a DeviceBindingError
// (or success for an intact handshake), never another kind of error and never a hang.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeviceBindingError } from '../../src/core/errors.js';
import { verifyHandshake } from '../../src/server/verify-handshake.js';
import { makeHandshake, newEncryptionKey } from './helpers/handshakes.js';
import { newKey, signJws } from './helpers/proofs.js';
import { outcome } from './helpers/rejects.js';

const key = await newKey();
const encryptionKey = await newEncryptionKey();
const NONCE = 'challenge-1';

const json = fc.jsonValue({ maxDepth: 3 });

describe('verifyHandshake under arbitrary input', () => {
  it('refuses any string', async () => {
    const jwsLike = fc
      .array(
        fc.constantFrom(
          ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'.split(''),
        ),
        { maxLength: 400 },
      )
      .map((chars) => chars.join(''));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 300 }),
          jwsLike,
        ),
        async (token) => {
          const result = await outcome(verifyHandshake(token, { expectedNonce: NONCE }));
          expect(result).toBeInstanceOf(DeviceBindingError);
          expect((result as DeviceBindingError).code).toBe('INVALID_HANDSHAKE');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('answers arbitrary tokens and options with a DeviceBindingError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.anything(),
        fc.oneof(
          fc.anything(),
          fc.record(
            {
              nonce: fc.anything(),
              maxAgeSeconds: fc.anything(),
              clockToleranceSeconds: fc.anything(),
              now: fc.anything(),
            },
            { requiredKeys: [] },
          ),
        ),
        async (token, options) => {
          const result = await outcome(verifyHandshake(token as never, options as never));
          expect(result).toBeInstanceOf(DeviceBindingError);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses arbitrary JSON headers and payloads, even when correctly signed', async () => {
    await fc.assert(
      fc.asyncProperty(json, json, async (header, payload) => {
        const token = await signJws(key, header as Record<string, unknown>, payload);
        const result = await outcome(verifyHandshake(token, { expectedNonce: NONCE }));
        expect(result).toBeInstanceOf(DeviceBindingError);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses arbitrary values for each claim under a valid header, correctly signed', async () => {
    const names = [
      'nonce',
      'iat',
      'jti',
      'device_id',
      'encryption_key',
      'sub',
      'attestation',
      'exp',
      'nbf',
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), json, async (name, value) => {
        const token = await makeHandshake(key, encryptionKey, { claims: { [name]: value } });
        const result = await outcome(verifyHandshake(token, { expectedNonce: NONCE }));
        if (result !== 'ok') expect(result).toBeInstanceOf(DeviceBindingError);
        // Only claims with values that can keep a handshake valid may pass (a sub string, an empty attestation, …).
        if (result === 'ok') expect(['sub', 'exp', 'nbf', 'jti', 'attestation']).toContain(name);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses every single-character change to a valid handshake', async () => {
    const token = await makeHandshake(key, encryptionKey);
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: token.length - 1 }),
        fc.constantFrom(...'ABCabc012-_.=+/ '.split('')),
        async (index, char) => {
          fc.pre(token[index] !== char);
          const mutated = token.slice(0, index) + char + token.slice(index + 1);
          const result = await outcome(verifyHandshake(mutated, { expectedNonce: NONCE }));
          expect(result).toBeInstanceOf(DeviceBindingError);
        },
      ),
      { numRuns: 300 },
    );
  });
});
