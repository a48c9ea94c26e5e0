// Wycheproof HKDF-SHA-256 through both crypto backends: valid cases give exactly the
// expected output (empty salts, maximal lengths included); output longer than 255 blocks
// must be refused.

import { describe, expect, it } from 'vitest';
import { BACKENDS, selectTests, type WycheproofFile } from '../helpers/webcrypto-backends.js';
import { hex } from '../helpers/webcrypto-implementations.js';
import { loadVector } from '../setup/vectors.js';

interface Inputs {
  ikm: string;
  salt: string;
  info: string;
  size: number;
  okm: string;
}

const file = loadVector<WycheproofFile<object, Inputs>>('wycheproof/hkdf_sha256_test.json');
const tests = selectTests(file, () => true);
const valid = tests.filter((t) => t.result === 'valid');
const invalid = tests.filter((t) => t.result === 'invalid');

describe.each(BACKENDS)('Wycheproof HKDF-SHA-256 through $name', ({ backend }) => {
  it('runs every case: 83 valid, 3 invalid, none acceptable', () => {
    expect([valid.length, invalid.length, tests.length]).toEqual([83, 3, 86]);
  });

  it.each(valid)(
    'tcId $tcId ($comment, $size bytes) derives exactly the expected output',
    async (t) => {
      const okm = await backend.hkdfSha256(hex(t.ikm), hex(t.salt), hex(t.info), t.size);
      expect(Buffer.from(okm).toString('hex')).toBe(t.okm);
    },
  );

  it.each(invalid)('tcId $tcId ($comment, $size bytes) is refused', async (t) => {
    await expect(
      backend.hkdfSha256(hex(t.ikm), hex(t.salt), hex(t.info), t.size),
    ).rejects.toThrow();
  });
});
