// RSA-OAEP encryption of both crypto backends, opened by WebCrypto: to the Wycheproof
// RSA-OAEP-256 key (its messages), to generated 2048/3072/4096-bit keys with SHA-256 and
// SHA-1, at every length up to the maximum, and for arbitrary messages (fast-check).

import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RsaPublicJwk } from '../../src/core/jwk.js';
import { BACKENDS, selectTests, type WycheproofFile } from '../helpers/webcrypto-backends.js';
import { buf, hex } from '../helpers/webcrypto-implementations.js';
import { loadVector } from '../setup/vectors.js';

interface Group {
  sha: string;
  mgfSha: string;
  privateKeyJwk: JsonWebKey;
}
interface Inputs {
  msg: string;
  label: string;
}

const { subtle } = globalThis.crypto;
const file = loadVector<WycheproofFile<Group, Inputs>>(
  'wycheproof/rsa_oaep_2048_sha256_mgf1sha256_test.json',
);
const messages = selectTests(file, (g) => g.sha === 'SHA-256' && g.mgfSha === 'SHA-256').filter(
  (t) => t.result === 'valid' && t.label === '',
);
const wycheproofJwk = file.testGroups[0]!.privateKeyJwk;

type Hash = 'SHA-256' | 'SHA-1';
interface Recipient {
  publicKey: RsaPublicJwk;
  privateKey: CryptoKey;
}

async function importRecipient(jwk: JsonWebKey, hash: Hash): Promise<Recipient> {
  const privateKey = await subtle.importKey(
    'jwk',
    { ...jwk, alg: undefined },
    { name: 'RSA-OAEP', hash },
    false,
    ['decrypt'],
  );
  return { publicKey: { kty: 'RSA', n: jwk.n!, e: jwk.e! }, privateKey };
}

async function generateRecipient(modulusLength: number, hash: Hash): Promise<Recipient> {
  const params = { name: 'RSA-OAEP', modulusLength, publicExponent: Uint8Array.of(1, 0, 1), hash };
  const pair = (await subtle.generateKey(params, true, ['encrypt', 'decrypt'])) as CryptoKeyPair;
  const { n, e } = await subtle.exportKey('jwk', pair.publicKey);
  return { publicKey: { kty: 'RSA', n: n!, e: e! }, privateKey: pair.privateKey };
}

async function open(recipient: Recipient, ciphertext: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(
    await subtle.decrypt({ name: 'RSA-OAEP' }, recipient.privateKey, buf(ciphertext)),
  );
}

const maxLength = (bits: number, hash: Hash) => bits / 8 - 2 * (hash === 'SHA-256' ? 32 : 20) - 2;

// RSA key generation is slow (seconds for 4096 bits): one set of recipients serves both backends.
let wycheproof: Recipient;
const recipients = new Map<string, Recipient>();
const configs: [number, Hash][] = [
  [2048, 'SHA-256'],
  [2048, 'SHA-1'],
  [3072, 'SHA-256'],
  [4096, 'SHA-1'],
];

beforeAll(async () => {
  wycheproof = await importRecipient(wycheproofJwk, 'SHA-256');
  await Promise.all(
    configs.map(async ([bits, hash]) =>
      recipients.set(`${bits}/${hash}`, await generateRecipient(bits, hash)),
    ),
  );
}, 120_000);

describe.each(BACKENDS)('rsaOaepEncrypt of $name', ({ backend }) => {
  it('uses the 10 unlabelled valid messages of the Wycheproof file', () => {
    expect(messages).toHaveLength(10);
  });

  it.each(messages)(
    'encrypts the message of tcId $tcId to the Wycheproof key so WebCrypto opens it',
    async (t) => {
      const ciphertext = await backend.rsaOaepEncrypt(wycheproof.publicKey, 'SHA-256', hex(t.msg));
      expect(ciphertext).toHaveLength(256);
      expect(await open(wycheproof, ciphertext)).toEqual(hex(t.msg));
    },
  );

  describe.each(configs)('to a %i-bit key with %s', (bits, hash) => {
    const lengths = [0, 1, 16, 32, maxLength(bits, hash) - 1, maxLength(bits, hash)];

    it.each(lengths)('encrypts %i bytes so WebCrypto opens them', async (length) => {
      const recipient = recipients.get(`${bits}/${hash}`)!;
      const message = globalThis.crypto.getRandomValues(new Uint8Array(length));
      const ciphertext = await backend.rsaOaepEncrypt(recipient.publicKey, hash, message);
      expect(ciphertext).toHaveLength(bits / 8);
      expect(await open(recipient, ciphertext)).toEqual(message);
    });

    it('refuses a message one byte over the maximum', async () => {
      const recipient = recipients.get(`${bits}/${hash}`)!;
      const tooLong = new Uint8Array(maxLength(bits, hash) + 1);
      await expect(backend.rsaOaepEncrypt(recipient.publicKey, hash, tooLong)).rejects.toThrow();
    });
  });

  it('encrypts arbitrary messages with either hash so WebCrypto opens them (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Hash>('SHA-256', 'SHA-1'),
        fc.uint8Array({ maxLength: 190 }),
        async (hash, message) => {
          const recipient = recipients.get(`2048/${hash}`)!;
          expect(
            await open(recipient, await backend.rsaOaepEncrypt(recipient.publicKey, hash, message)),
          ).toEqual(message);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('randomizes: the same message gives a different ciphertext each time', async () => {
    const recipient = recipients.get('2048/SHA-256')!;
    const message = Uint8Array.of(1, 2, 3);
    const a = await backend.rsaOaepEncrypt(recipient.publicKey, 'SHA-256', message);
    const b = await backend.rsaOaepEncrypt(recipient.publicKey, 'SHA-256', message);
    expect(a).not.toEqual(b);
  });

  it('gives a ciphertext that does not open under the other hash', async () => {
    const recipient = recipients.get('2048/SHA-256')!;
    const sha1Recipient = {
      ...recipient,
      privateKey: await subtle.importKey(
        'jwk',
        await exportPrivate(recipient),
        { name: 'RSA-OAEP', hash: 'SHA-1' },
        false,
        ['decrypt'],
      ),
    };
    const ciphertext = await backend.rsaOaepEncrypt(
      recipient.publicKey,
      'SHA-256',
      Uint8Array.of(7),
    );
    await expect(open(sha1Recipient, ciphertext)).rejects.toThrow();
  });
});

async function exportPrivate(recipient: Recipient): Promise<JsonWebKey> {
  const { alg: _alg, ...jwk } = await subtle.exportKey('jwk', recipient.privateKey);
  return jwk;
}
