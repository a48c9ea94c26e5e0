// Wycheproof JSON Web Signature vectors for ES256 (groups "es256" and "SpecialCaseEs256")
// through the proof verifier's strict compact parser, header checks and signature check.

import { describe, expect, it } from 'vitest';
import { signingAlgorithm } from '../../src/core/algorithms.js';
import { DeviceBindingError } from '../../src/core/errors.js';
import { parsePublicJwk, thumbprintInput } from '../../src/core/jwk.js';
import { decodeJsonObject, splitCompactJws } from '../../src/server/lib/compact-jws.js';
import { verificationKey, verifySignature } from '../../src/server/lib/verification-keys.js';
import { loadVector } from '../setup/vectors.js';

interface JwsTest {
  tcId: number;
  comment: string;
  jws: string | Record<string, unknown>;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface JwsFile {
  testGroups: { comment: string; public?: Record<string, unknown>; tests: JwsTest[] }[];
}

const file = loadVector<JwsFile>('wycheproof/json_web_signature_test.json');
const groups = file.testGroups.filter(
  (group) => group.comment === 'es256' || group.comment === 'SpecialCaseEs256',
);

/** Whether the verifier accepts `token` under the group's key; any DeviceBindingError is a refusal. */
async function accepts(token: unknown, publicJwk: Record<string, unknown>): Promise<boolean> {
  // The flattened/general JSON serializations are not compact: the proof path refuses them.
  if (typeof token !== 'string') return false;
  try {
    const parts = splitCompactJws(token, 'INVALID_PROOF', 'token');
    const header = decodeJsonObject(parts.encodedHeader, 'INVALID_PROOF', 'header');
    const algorithm = signingAlgorithm(header.alg);
    const jwk = parsePublicJwk({
      kty: publicJwk.kty,
      crv: publicJwk.crv,
      x: publicJwk.x,
      y: publicJwk.y,
    });
    const { key } = await verificationKey(jwk, thumbprintInput(jwk), algorithm);
    return await verifySignature(algorithm, key, parts.signingInput, parts.signature);
  } catch (err) {
    expect(err).toBeInstanceOf(DeviceBindingError);
    return false;
  }
}

describe('Wycheproof json_web_signature ES256 through the proof parser and signature path', () => {
  const cases = groups.flatMap((group) => group.tests.map((test) => ({ group, test })));

  it('covers both ES256 groups', () => {
    expect(groups).toHaveLength(2);
    expect(cases.length).toBeGreaterThan(30);
  });

  it.each(
    cases.map(({ group, test }) => [test.tcId, test.result, test.comment, group, test] as const),
  )('tcId %i (%s): %s', async (_id, result, _comment, group, test) => {
    expect(await accepts(test.jws, group.public!)).toBe(result === 'valid');
  });
});
