// The bridge adapters' DER → JOSE signature conversion (what native ECDSA returns) against
// Wycheproof ecdsa_secp256r1_sha256 (DER, with BER and bad-encoding cases).

import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import type { DeviceBindingError } from '../../src/core/errors.js';
import { derToJoseSignature } from '../../src/keystores/bridge/signature.js';
import { loadVector } from '../setup/vectors.js';

interface DerTest {
  tcId: number;
  msg: string;
  sig: string;
  result: 'valid' | 'invalid' | 'acceptable';
  flags: string[];
}
interface EcdsaDerFile {
  testGroups: { publicKey: { uncompressed: string }; tests: DerTest[] }[];
}

const hex = (value: string) => new Uint8Array(Buffer.from(value, 'hex'));

describe('DER → JOSE signature conversion against Wycheproof ecdsa_secp256r1_sha256 (DER)', () => {
  const file = loadVector<EcdsaDerFile>('wycheproof/ecdsa_secp256r1_sha256_test.json');
  const cases = file.testGroups.flatMap((group) => group.tests.map((test) => ({ group, test })));

  function convertAndVerify(
    group: { publicKey: { uncompressed: string } },
    test: DerTest,
  ): boolean {
    let jose: Uint8Array;
    try {
      jose = derToJoseSignature(hex(test.sig));
    } catch (err) {
      expect((err as DeviceBindingError).code).toBe('KEYSTORE_ERROR');
      return false;
    }
    expect(jose.length).toBe(64);
    return p256.verify(jose, hex(test.msg), hex(group.publicKey.uncompressed), { lowS: false });
  }

  it('converts every valid signature to a 64-byte r ‖ s that verifies', () => {
    const valid = cases.filter(({ test }) => test.result === 'valid');
    expect(valid.length).toBe(174);
    for (const { group, test } of valid)
      expect(convertAndVerify(group, test), `tcId ${test.tcId}`).toBe(true);
  });

  it('never turns an invalid DER signature into one that verifies', () => {
    const invalid = cases.filter(({ test }) => test.result === 'invalid');
    expect(invalid.length).toBe(310);
    for (const { group, test } of invalid)
      expect(convertAndVerify(group, test), `tcId ${test.tcId}`).toBe(false);
  });

  it('refuses every BER-encoded signature at conversion (not only at verification)', () => {
    const ber = cases.filter(({ test }) => test.flags.includes('BerEncodedSignature'));
    expect(ber.length).toBeGreaterThan(0);
    for (const { test } of ber)
      expect(() => derToJoseSignature(hex(test.sig)), `tcId ${test.tcId}`).toThrow(
        expect.objectContaining({ code: 'KEYSTORE_ERROR' }),
      );
  });
});
