// The bridge simulator's RSA-OAEP decryption (the reference native code's, with the label hash
// and MGF1 hash chosen separately) against Wycheproof rsa_oaep_2048_sha256_mgf1sha256.

import { describe, expect, it } from 'vitest';
import { rsaKeyFromJwk, rsaOaepDecrypt } from '../../src/testing/bridge-simulator/rsa.js';
import { loadVector } from '../setup/vectors.js';

const hexToBytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));

interface OaepFile {
  testGroups: {
    privateKeyJwk: JsonWebKey;
    tests: { tcId: number; msg: string; ct: string; label: string; result: string }[];
  }[];
}

describe('Wycheproof rsa_oaep_2048_sha256_mgf1sha256 through the simulated RSA-OAEP', () => {
  const file = loadVector<OaepFile>('wycheproof/rsa_oaep_2048_sha256_mgf1sha256_test.json');
  const group = file.testGroups[0]!;
  const key = rsaKeyFromJwk(group.privateKeyJwk);
  const unlabelled = group.tests.filter((t) => t.label === '');

  it('decrypts every valid case (SHA-256, MGF1-SHA-256)', () => {
    const valid = unlabelled.filter((t) => t.result === 'valid');
    expect(valid.length).toBeGreaterThan(5);
    for (const t of valid)
      expect(rsaOaepDecrypt(key, hexToBytes(t.ct), 'SHA-256', 'SHA-256'), `tcId ${t.tcId}`).toEqual(
        hexToBytes(t.msg),
      );
  });

  it('refuses every invalid case with BadPaddingException or IllegalBlockSizeException', () => {
    const invalid = unlabelled.filter((t) => t.result === 'invalid');
    expect(invalid.length).toBeGreaterThan(5);
    for (const t of invalid) {
      expect(
        () => rsaOaepDecrypt(key, hexToBytes(t.ct), 'SHA-256', 'SHA-256'),
        `tcId ${t.tcId}`,
      ).toThrow(/decryption error|modulus length/);
    }
  });
});
