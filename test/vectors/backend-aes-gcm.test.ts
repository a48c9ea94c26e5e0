// Wycheproof AES-GCM (96-bit IVs, 128-bit tags, 128- and 256-bit keys) through both crypto
// backends: valid cases encrypt to exactly the expected bytes and decrypt back; invalid
// cases (modified tags and ciphertexts, counter wrap) must not decrypt.

import { describe, expect, it } from 'vitest';
import { DeviceBindingError } from '../../src/core/errors.js';
import { BACKENDS, selectTests, type WycheproofFile } from '../helpers/webcrypto-backends.js';
import { hex } from '../helpers/webcrypto-implementations.js';
import { loadVector } from '../setup/vectors.js';

interface Group {
  ivSize: number;
  keySize: number;
  tagSize: number;
}
interface Inputs {
  key: string;
  iv: string;
  aad: string;
  msg: string;
  ct: string;
  tag: string;
}

const file = loadVector<WycheproofFile<Group, Inputs>>('wycheproof/aes_gcm_test.json');
const tests = selectTests(
  file,
  (g) => g.ivSize === 96 && g.tagSize === 128 && (g.keySize === 128 || g.keySize === 256),
);
const valid = tests.filter((t) => t.result === 'valid');
const invalid = tests.filter((t) => t.result === 'invalid');

describe.each(BACKENDS)('Wycheproof AES-GCM through $name', ({ name, backend }) => {
  it('runs every selected case: 79 valid, 54 invalid, none acceptable', () => {
    expect(valid).toHaveLength(79);
    expect(invalid).toHaveLength(54);
    expect(tests).toHaveLength(133);
  });

  it.each(valid)(
    'tcId $tcId ($group.keySize-bit key, $flags) encrypts and decrypts exactly',
    async (t) => {
      const key = await backend.importAesGcmKey(hex(t.key));
      const aad = t.aad === '' ? undefined : hex(t.aad);
      const sealed = await backend.aesGcmEncrypt(key, hex(t.iv), hex(t.msg), aad);
      expect(Buffer.from(sealed).toString('hex')).toBe(t.ct + t.tag);
      expect(await backend.aesGcmDecrypt(key, hex(t.iv), hex(t.ct + t.tag), aad)).toEqual(
        hex(t.msg),
      );
    },
  );

  it.each(invalid)('tcId $tcId ($group.keySize-bit key, $comment) does not decrypt', async (t) => {
    const key = await backend.importAesGcmKey(hex(t.key));
    const aad = t.aad === '' ? undefined : hex(t.aad);
    const attempt = backend.aesGcmDecrypt(key, hex(t.iv), hex(t.ct + t.tag), aad);
    if (name === 'pureJsCrypto') {
      await expect(attempt).rejects.toMatchObject({ code: 'INVALID_ENVELOPE' });
      await expect(attempt).rejects.toBeInstanceOf(DeviceBindingError);
    } else {
      await expect(attempt).rejects.toThrow();
    }
  });
});
