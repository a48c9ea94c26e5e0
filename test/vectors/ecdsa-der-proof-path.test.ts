// Wycheproof ECDSA P-256/SHA-256 vectors in ASN.1 DER: a JWS never carries DER (RFC 7518
// §3.4), so the proof path refuses every one as given, and the valid ones verify once
// converted to r ‖ s, which shows the refusal is about the encoding alone.

import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { SIGNING_ALGORITHMS } from '../../src/core/algorithms.js';
import { encodeBase64url } from '../../src/core/base64url.js';
import { parsePublicJwk, thumbprintInput } from '../../src/core/jwk.js';
import { verificationKey, verifySignature } from '../../src/server/lib/verification-keys.js';
import { loadVector } from '../setup/vectors.js';

interface DerTest {
  tcId: number;
  comment: string;
  msg: string;
  sig: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface EcdsaDerFile {
  numberOfTests: number;
  testGroups: { publicKey: { uncompressed: string }; tests: DerTest[] }[];
}

const hex = (value: string): Uint8Array =>
  Uint8Array.from(value.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));
const file = loadVector<EcdsaDerFile>('wycheproof/ecdsa_secp256r1_sha256_test.json');
const ES256 = SIGNING_ALGORITHMS.ES256;

async function keyFor(uncompressed: string): Promise<CryptoKey> {
  const point = hex(uncompressed);
  const jwk = parsePublicJwk({
    kty: 'EC',
    crv: 'P-256',
    x: encodeBase64url(point.subarray(1, 33)),
    y: encodeBase64url(point.subarray(33, 65)),
  });
  return (await verificationKey(jwk, thumbprintInput(jwk), ES256)).key;
}

describe('Wycheproof ecdsa_secp256r1_sha256 (DER) through the proof signature path', () => {
  const cases = file.testGroups.flatMap((group) => group.tests.map((test) => ({ group, test })));

  it('refuses every DER-encoded signature as a JWS signature', async () => {
    let checked = 0;
    for (const { group, test } of cases) {
      const key = await keyFor(group.publicKey.uncompressed);
      expect(
        await verifySignature(ES256, key, hex(test.msg), hex(test.sig)),
        `tcId ${test.tcId}`,
      ).toBe(false);
      checked++;
    }
    expect(checked).toBe(file.numberOfTests);
  });

  it('verifies every valid signature after conversion to r ‖ s', async () => {
    const valid = cases.filter(({ test }) => test.result === 'valid');
    expect(valid.length).toBeGreaterThan(100);
    for (const { group, test } of valid) {
      const key = await keyFor(group.publicKey.uncompressed);
      const compact = p256.Signature.fromBytes(hex(test.sig), 'der').toBytes('compact');
      expect(await verifySignature(ES256, key, hex(test.msg), compact), `tcId ${test.tcId}`).toBe(
        true,
      );
    }
  });
});
