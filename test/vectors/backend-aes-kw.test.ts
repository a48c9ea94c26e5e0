// Wycheproof AES key wrap (RFC 3394; 128- and 256-bit KEKs) through both crypto backends.
// Valid: wrap gives exactly the expected bytes and unwrap gives the key back. Invalid: the
// ciphertext does not unwrap and the key does not wrap to it. Acceptable (wrapping an
// 8-byte key, which JOSE never does): decided as refused, by both backends.

import { describe, expect, it } from 'vitest';
import { BACKENDS, selectTests, type WycheproofFile } from '../helpers/webcrypto-backends.js';
import { hex } from '../helpers/webcrypto-implementations.js';
import { loadVector } from '../setup/vectors.js';

interface Group {
  keySize: number;
}
interface Inputs {
  key: string;
  msg: string;
  ct: string;
}

const file = loadVector<WycheproofFile<Group, Inputs>>('wycheproof/aes_wrap_test.json');
const tests = selectTests(file, (g) => g.keySize === 128 || g.keySize === 256);
const valid = tests.filter((t) => t.result === 'valid');
const invalid = tests.filter((t) => t.result === 'invalid');
const acceptable = tests.filter((t) => t.result === 'acceptable');

async function outcome(operation: Promise<Uint8Array>): Promise<string | 'rejected'> {
  try {
    return Buffer.from(await operation).toString('hex');
  } catch {
    return 'rejected';
  }
}

describe.each(BACKENDS)('Wycheproof AES-KW through $name', ({ backend }) => {
  it('runs every selected case: 24 valid, 84 invalid, 2 acceptable', () => {
    expect([valid.length, invalid.length, acceptable.length]).toEqual([24, 84, 2]);
  });

  it.each(valid)(
    'tcId $tcId ($group.keySize-bit KEK, $flags) wraps and unwraps exactly',
    async (t) => {
      expect(Buffer.from(await backend.aesKeyWrap(hex(t.key), hex(t.msg))).toString('hex')).toBe(
        t.ct,
      );
      expect(await backend.aesKeyUnwrap(hex(t.key), hex(t.ct))).toEqual(hex(t.msg));
    },
  );

  it.each(invalid)('tcId $tcId ($group.keySize-bit KEK, $comment) does not unwrap', async (t) => {
    await expect(backend.aesKeyUnwrap(hex(t.key), hex(t.ct))).rejects.toThrow();
    expect(await outcome(backend.aesKeyWrap(hex(t.key), hex(t.msg)))).not.toBe(t.ct);
  });

  it('refuses both acceptable cases (8-byte keys), wrapping and unwrapping: 2 of 2', async () => {
    let refused = 0;
    for (const t of acceptable) {
      const results = [
        await outcome(backend.aesKeyWrap(hex(t.key), hex(t.msg))),
        await outcome(backend.aesKeyUnwrap(hex(t.key), hex(t.ct))),
      ];
      if (results.every((r) => r === 'rejected')) refused++;
    }
    expect(refused).toBe(2);
  });
});
