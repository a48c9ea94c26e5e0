import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { openEnvelopeWithKey } from '../../src/core/envelope/open-envelope.js';
import type { EnvelopeKey } from '../../src/core/envelope/types.js';
import { DeviceBindingError } from '../../src/core/errors.js';
import { sealEnvelope } from '../../src/server/seal-envelope.js';
import { b64u } from './helpers/build-jwe.js';
import { memoryDevice } from './helpers/devices.js';

const ENVELOPE_CODES = ['INVALID_ENVELOPE', 'UNSUPPORTED_ALGORITHM'];

/** Opening `input` must reject with a DeviceBindingError of one of `codes` (never succeed, never a raw error). */
async function typedRejection(
  key: EnvelopeKey,
  input: unknown,
  codes = ENVELOPE_CODES,
): Promise<void> {
  try {
    await openEnvelopeWithKey(key, input as string);
  } catch (err) {
    expect(err).toBeInstanceOf(DeviceBindingError);
    expect(codes).toContain((err as DeviceBindingError).code);
    return;
  }
  throw new Error(`a malformed envelope opened: ${JSON.stringify(input).slice(0, 200)}`);
}

const base64urlText = fc.stringMatching(/^[A-Za-z0-9_-]{0,60}$/);
const header = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      alg: fc.constantFrom(
        'ECDH-ES',
        'ECDH-ES+A128KW',
        'ECDH-ES+A256KW',
        'RSA-OAEP',
        'RSA-OAEP-256',
        'dir',
        'none',
        'A128KW',
      ),
      enc: fc.constantFrom('A128GCM', 'A256GCM', 'A192GCM', 'A128CBC-HS256', ''),
      epk: fc.oneof(
        fc.jsonValue(),
        fc.record({
          kty: fc.constantFrom('EC', 'OKP'),
          crv: fc.constantFrom('P-256', 'P-384'),
          x: base64urlText,
          y: base64urlText,
        }),
      ),
      apu: fc.oneof(base64urlText, fc.jsonValue()),
      zip: fc.constant('DEF'),
      crit: fc.array(fc.string()),
    },
    { requiredKeys: [] },
  ),
);

describe('thousands of malformed envelopes get a typed error', () => {
  let device: EnvelopeKey;
  let envelope: string;
  beforeAll(async () => {
    device = await memoryDevice();
    envelope = await sealEnvelope(new TextEncoder().encode('fuzz target'), device.info.publicKey);
  });

  it('arbitrary strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), (s) =>
        typedRejection(device, s),
      ),
      { numRuns: 1500 },
    );
  });

  it('five base64url-looking parts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(base64urlText, { minLength: 5, maxLength: 5 }), (parts) =>
        typedRejection(device, parts.join('.')),
      ),
      { numRuns: 1500 },
    );
  });

  it('arbitrary protected headers with the real envelope parts', async () => {
    const rest = envelope.split('.').slice(1).join('.');
    await fc.assert(
      fc.asyncProperty(header, (h) =>
        typedRejection(device, `${b64u(JSON.stringify(h) ?? '')}.${rest}`),
      ),
      { numRuns: 1500 },
    );
  });

  it('random edits of a valid envelope (insert, delete, replace characters)', async () => {
    const edit = fc.record({
      at: fc.nat(envelope.length - 1),
      remove: fc.nat(4),
      insert: fc.string({ maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), async (edits) => {
        let s = envelope;
        for (const { at, remove, insert } of edits)
          s = s.slice(0, at) + insert + s.slice(at + remove);
        if (s === envelope) return;
        await typedRejection(device, s);
      }),
      { numRuns: 1500 },
    );
  });

  it('arbitrary flattened JWE objects and their JSON text', async () => {
    const flattened = fc.record(
      {
        protected: fc.oneof(base64urlText, fc.jsonValue()),
        encrypted_key: fc.oneof(base64urlText, fc.jsonValue()),
        iv: fc.oneof(base64urlText, fc.jsonValue()),
        ciphertext: fc.oneof(base64urlText, fc.jsonValue()),
        tag: fc.oneof(base64urlText, fc.jsonValue()),
        aad: fc.oneof(base64urlText, fc.jsonValue()),
        header: fc.jsonValue(),
        recipients: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(flattened, async (jwe) => {
        // An object without "protected" is no JWE: a mistaken argument, not a bad envelope.
        await typedRejection(
          device,
          jwe,
          'protected' in jwe ? ENVELOPE_CODES : ['INVALID_ARGUMENT'],
        );
        await typedRejection(device, JSON.stringify(jwe));
      }),
      { numRuns: 1000 },
    );
  });

  it('values that are not envelopes at all get INVALID_ARGUMENT', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.integer(),
          fc.boolean(),
          fc.constant(null),
          fc.constant(undefined),
          fc.array(fc.anything()),
        ),
        (value) => typedRejection(device, value, ['INVALID_ARGUMENT']),
      ),
      { numRuns: 300 },
    );
  });
});
