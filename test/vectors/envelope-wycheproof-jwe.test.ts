// Wycheproof's JWE vectors through openEnvelope, each with its own private key in a key
// store: the valid ones inside the allowlist (P-256 ECDH-ES family, the key's own
// RSA-OAEP variant, A128GCM/A256GCM, no zip) open to the expected plaintext; every other
// case, valid elsewhere or invalid, is refused with a typed error. Counts are pinned.

import { describe, expect, it } from 'vitest';
import type { EncryptionAlgorithm } from '../../src/core/algorithms.js';
import { openEnvelopeWithKey } from '../../src/core/envelope/open-envelope.js';
import type { EnvelopeKey } from '../../src/core/envelope/types.js';
import { DeviceBindingError } from '../../src/core/errors.js';
import { jwkDevice, memoryDevice } from '../envelope/helpers/devices.js';
import { loadVector } from '../setup/vectors.js';

interface JweTest {
  tcId: number;
  comment: string;
  flags: string[];
  jwe: string;
  pt?: string;
  result: 'valid' | 'invalid';
}
interface JweFile {
  testGroups: { comment: string; private: JsonWebKey & { alg?: string }; tests: JweTest[] }[];
}

const ALGS = ['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A256KW', 'RSA-OAEP-256', 'RSA-OAEP'];
const ENCS = ['A128GCM', 'A256GCM'];
const file = loadVector<JweFile>('wycheproof/json_web_encryption_test.json');

function header(jwe: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(jwe.split('.')[0]!, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
  } catch {
    return undefined;
  }
}

/** The device key a group's private key becomes: P-256 → ECDH-ES, RSA → its declared OAEP variant. */
function deviceAlgorithm(key: JsonWebKey & { alg?: string }): EncryptionAlgorithm | undefined {
  if (key.kty === 'EC' && key.crv === 'P-256') return 'ECDH-ES';
  if (key.kty === 'RSA') return key.alg === 'RSA-OAEP' ? 'RSA-OAEP' : 'RSA-OAEP-256';
  return undefined;
}

const cases = file.testGroups.flatMap((group) =>
  group.tests.map((t) => {
    const h = header(t.jwe);
    const algorithm = deviceAlgorithm(group.private);
    const inProfile =
      algorithm !== undefined &&
      h !== undefined &&
      ALGS.includes(h.alg as string) &&
      ENCS.includes(h.enc as string) &&
      !('zip' in h) &&
      (algorithm === 'ECDH-ES' ? String(h.alg).startsWith('ECDH-ES') : h.alg === algorithm);
    return {
      ...t,
      group: group.comment,
      key: group.private,
      algorithm,
      opens: t.result === 'valid' && inProfile,
    };
  }),
);

async function deviceFor(c: (typeof cases)[number]): Promise<EnvelopeKey> {
  // Symmetric-key groups and other curves cannot be device keys: any device will do, since
  // their envelopes must be refused whatever the key.
  return c.algorithm === undefined ? memoryDevice() : jwkDevice(c.key, c.algorithm);
}

describe('Wycheproof json_web_encryption through openEnvelope', () => {
  it('pins the split: 14 valid envelopes in the profile open; 51 valid ones outside it and 74 invalid ones are refused', () => {
    const opens = cases.filter((c) => c.opens).length;
    const validOutside = cases.filter((c) => c.result === 'valid' && !c.opens).length;
    const invalid = cases.filter((c) => c.result === 'invalid').length;
    expect([opens, validOutside, invalid]).toEqual([14, 51, 74]);
  });

  it.each(cases.filter((c) => c.opens))(
    'tcId $tcId ($group, $comment) opens to the expected plaintext',
    async (c) => {
      const plaintext = await openEnvelopeWithKey(await deviceFor(c), c.jwe);
      expect(Buffer.from(plaintext).toString('hex')).toBe(c.pt);
    },
  );

  it.each(cases.filter((c) => !c.opens))(
    'tcId $tcId ($group, $comment, $result) is refused with a typed error',
    async (c) => {
      const outcome = await openEnvelopeWithKey(await deviceFor(c), c.jwe).then(
        () => 'opened',
        (err: unknown) => (err instanceof DeviceBindingError ? err.code : `raw ${String(err)}`),
      );
      expect(['INVALID_ENVELOPE', 'UNSUPPORTED_ALGORITHM']).toContain(outcome);
    },
  );
});
