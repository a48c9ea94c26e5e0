// Wycheproof ECDSA P-256/SHA-256 vectors (IEEE P1363 r ‖ s, the JWS ES256 form) through the
// signature path verifyRequest uses: the cached key import and the signature check.

import { describe, expect, it } from 'vitest';
import { SIGNING_ALGORITHMS } from '../../src/core/algorithms.js';
import { encodeBase64url } from '../../src/core/base64url.js';
import { parsePublicJwk, thumbprintInput } from '../../src/core/jwk.js';
import { verificationKey, verifySignature } from '../../src/server/lib/verification-keys.js';
import { loadVector } from '../setup/vectors.js';

interface EcdsaTest {
  tcId: number;
  comment: string;
  flags: string[];
  msg: string;
  sig: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface EcdsaP1363File {
  numberOfTests: number;
  testGroups: {
    publicKey: { uncompressed: string };
    publicKeyJwk?: Record<string, string>;
    tests: EcdsaTest[];
  }[];
}

const hex = (value: string): Uint8Array =>
  Uint8Array.from(value.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));

// Every group has the key as an uncompressed SEC1 point; only some also carry a JWK.
function publicJwkOf(group: EcdsaP1363File['testGroups'][number]) {
  const point = hex(group.publicKey.uncompressed);
  return parsePublicJwk(
    {
      kty: 'EC',
      crv: 'P-256',
      x: encodeBase64url(point.subarray(1, 33)),
      y: encodeBase64url(point.subarray(33, 65)),
    },
    'publicKey',
  );
}

const file = loadVector<EcdsaP1363File>('wycheproof/ecdsa_secp256r1_sha256_p1363_test.json');
const cases = file.testGroups.flatMap((group) => group.tests.map((test) => ({ group, test })));

describe('Wycheproof ecdsa_secp256r1_sha256_p1363 through the proof signature path', () => {
  it('has every test of the file and no "acceptable" result to decide', () => {
    expect(cases).toHaveLength(file.numberOfTests);
    expect(cases.filter(({ test }) => test.result === 'acceptable')).toHaveLength(0);
  });

  it('reads the same key from the point and, where present, from the JWK', () => {
    const withJwk = file.testGroups.filter((group) => group.publicKeyJwk !== undefined);
    expect(withJwk.length).toBeGreaterThan(0);
    for (const group of withJwk) {
      expect(thumbprintInput(parsePublicJwk(group.publicKeyJwk, 'publicKeyJwk'))).toBe(
        thumbprintInput(publicJwkOf(group)),
      );
    }
  });

  it.each(
    cases.map(({ group, test }) => [test.tcId, test.result, test.comment, group, test] as const),
  )('tcId %i (%s): %s', async (_id, result, _comment, group, test) => {
    const jwk = publicJwkOf(group);
    const { key } = await verificationKey(jwk, thumbprintInput(jwk), SIGNING_ALGORITHMS.ES256);
    const ok = await verifySignature(SIGNING_ALGORITHMS.ES256, key, hex(test.msg), hex(test.sig));
    expect(ok).toBe(result === 'valid');
  });
});
