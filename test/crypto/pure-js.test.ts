// The pure-JS backend on its own: same results as WebCrypto for arbitrary inputs, tampered
// data refused without saying why, malformed input refused by name, and its random source.

import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { webCryptoBackend } from '../../src/core/crypto-backend.js';
import { DeviceBindingError } from '../../src/core/errors.js';
import type { EcPublicJwk, RsaPublicJwk } from '../../src/core/jwk.js';
import { createPureJsCrypto, pureJsCrypto } from '../../src/crypto/pure-js.js';
import { expectFailure } from '../helpers/webcrypto-expect.js';

const web = webCryptoBackend(globalThis.crypto);
const pure = pureJsCrypto;
const realCrypto = globalThis.crypto;

afterEach(() => {
  Object.defineProperty(globalThis, 'crypto', {
    value: realCrypto,
    configurable: true,
    writable: true,
  });
});

const key16 = new Uint8Array(16).fill(1);
const key32 = new Uint8Array(32).fill(2);
const iv = new Uint8Array(12).fill(3);

describe('pureJsCrypto agrees with WebCrypto', () => {
  it('is named pure-js', () => {
    expect(pure.name).toBe('pure-js');
  });

  it('hashes like WebCrypto (SHA-256)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (data) => {
        expect(await pure.sha256(data)).toEqual(await web.sha256(data));
      }),
    );
  });

  it('takes an ArrayBuffer wherever it takes bytes', async () => {
    const data = Uint8Array.of(1, 2, 3);
    expect(await pure.sha256(data.slice().buffer as never)).toEqual(await pure.sha256(data));
    const key = await pure.importAesGcmKey(new Uint8Array(16).buffer as never);
    const iv = new Uint8Array(12);
    const sealed = await pure.aesGcmEncrypt(key, iv.buffer as never, data.slice().buffer as never);
    expect(await pure.aesGcmDecrypt(key, iv, sealed)).toEqual(data);
  });

  it('derives like WebCrypto (HKDF-SHA-256)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.integer({ min: 1, max: 300 }),
        async (ikm, salt, info, length) => {
          expect(await pure.hkdfSha256(ikm, salt, info, length)).toEqual(
            await web.hkdfSha256(ikm, salt, info, length),
          );
        },
      ),
    );
  });

  it('seals and opens AES-GCM interchangeably with WebCrypto, with and without AAD', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(16, 32),
        fc.uint8Array({ maxLength: 200 }),
        fc.option(fc.uint8Array({ maxLength: 40 }), { nil: undefined }),
        async (keyLength, plaintext, aad) => {
          const raw = globalThis.crypto.getRandomValues(new Uint8Array(keyLength));
          const nonce = globalThis.crypto.getRandomValues(new Uint8Array(12));
          const [pk, wk] = [await pure.importAesGcmKey(raw), await web.importAesGcmKey(raw)];
          const sealed = await pure.aesGcmEncrypt(pk, nonce, plaintext, aad);
          expect(sealed).toEqual(await web.aesGcmEncrypt(wk, nonce, plaintext, aad));
          expect(await web.aesGcmDecrypt(wk, nonce, sealed, aad)).toEqual(plaintext);
          expect(await pure.aesGcmDecrypt(pk, nonce, sealed, aad)).toEqual(plaintext);
        },
      ),
    );
  });

  it('wraps and unwraps AES-KW interchangeably with WebCrypto', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(16, 32),
        fc.constantFrom(16, 24, 32, 64),
        async (kekLength, keyLength) => {
          const kek = globalThis.crypto.getRandomValues(new Uint8Array(kekLength));
          const key = globalThis.crypto.getRandomValues(new Uint8Array(keyLength));
          const wrapped = await pure.aesKeyWrap(kek, key);
          expect(wrapped).toEqual(await web.aesKeyWrap(kek, key));
          expect(await pure.aesKeyUnwrap(kek, wrapped)).toEqual(key);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('keeps its own copy of an imported AES-GCM key (wiping the caller’s bytes changes nothing)', async () => {
    const raw = key16.slice();
    const key = await pure.importAesGcmKey(raw);
    const sealed = await pure.aesGcmEncrypt(key, iv, Uint8Array.of(1, 2));
    raw.fill(0);
    expect(await pure.aesGcmDecrypt(key, iv, sealed)).toEqual(Uint8Array.of(1, 2));
  });

  it('gives out an opaque AES-GCM key handle with no key bytes on it', async () => {
    const key = await pure.importAesGcmKey(key32);
    expect(Object.keys(key)).toEqual([]);
    expect(Object.getOwnPropertySymbols(key)).toEqual([]);
  });
});

describe('pureJsCrypto refuses tampered data without saying why', () => {
  async function sealedSample() {
    const key = await pure.importAesGcmKey(key32);
    const aad = Uint8Array.of(9, 9);
    return { key, aad, sealed: await pure.aesGcmEncrypt(key, iv, new Uint8Array(40).fill(7), aad) };
  }

  const gcmAttacks: [
    string,
    (s: Awaited<ReturnType<typeof sealedSample>>) => Promise<Uint8Array>,
  ][] = [
    [
      'a flipped ciphertext bit',
      ({ key, aad, sealed }) => pure.aesGcmDecrypt(key, iv, flip(sealed, 0), aad),
    ],
    [
      'a flipped tag bit',
      ({ key, aad, sealed }) => pure.aesGcmDecrypt(key, iv, flip(sealed, sealed.length - 1), aad),
    ],
    [
      'a truncated tag',
      ({ key, aad, sealed }) => pure.aesGcmDecrypt(key, iv, sealed.subarray(0, -1), aad),
    ],
    [
      'the tag alone (ciphertext removed)',
      ({ key, aad, sealed }) => pure.aesGcmDecrypt(key, iv, sealed.subarray(-16), aad),
    ],
    [
      'fewer bytes than a tag',
      ({ key, aad, sealed }) => pure.aesGcmDecrypt(key, iv, sealed.subarray(0, 15), aad),
    ],
    [
      'an appended byte',
      ({ key, aad, sealed }) => pure.aesGcmDecrypt(key, iv, Uint8Array.of(...sealed, 0), aad),
    ],
    ['other AAD', ({ key, sealed }) => pure.aesGcmDecrypt(key, iv, sealed, Uint8Array.of(9, 8))],
    ['missing AAD', ({ key, sealed }) => pure.aesGcmDecrypt(key, iv, sealed)],
    [
      'another IV',
      ({ key, aad, sealed }) => pure.aesGcmDecrypt(key, new Uint8Array(12), sealed, aad),
    ],
    [
      'another key',
      async ({ aad, sealed }) =>
        pure.aesGcmDecrypt(await pure.importAesGcmKey(new Uint8Array(32)), iv, sealed, aad),
    ],
  ];

  it.each(gcmAttacks)(
    'AES-GCM: refuses %s with INVALID_ENVELOPE and one fixed message, no cause',
    async (_label, attack) => {
      const error = await expectFailure(attack(await sealedSample()), 'INVALID_ENVELOPE');
      expect(error.message).toBe('AES-GCM decryption failed: the data or the key is wrong');
      expect(error.cause).toBeUndefined();
    },
  );

  const kwAttacks: [string, (wrapped: Uint8Array) => Promise<Uint8Array>][] = [
    ['a flipped bit in the integrity block', (w) => pure.aesKeyUnwrap(key16, flip(w, 0))],
    ['a flipped bit in the key blocks', (w) => pure.aesKeyUnwrap(key16, flip(w, 20))],
    ['a truncated block', (w) => pure.aesKeyUnwrap(key16, w.subarray(0, -8))],
    ['a length that is not a multiple of 8', (w) => pure.aesKeyUnwrap(key16, w.subarray(0, -1))],
    [
      'an appended block',
      (w) => pure.aesKeyUnwrap(key16, Uint8Array.of(...w, 0, 0, 0, 0, 0, 0, 0, 0)),
    ],
    ['a single block', (w) => pure.aesKeyUnwrap(key16, w.subarray(0, 16))],
    ['another KEK', (w) => pure.aesKeyUnwrap(new Uint8Array(16), w)],
  ];

  it.each(kwAttacks)(
    'AES-KW: refuses %s with INVALID_ENVELOPE and one fixed message, no cause',
    async (_label, attack) => {
      const wrapped = await pure.aesKeyWrap(key16, key32);
      const error = await expectFailure(attack(wrapped), 'INVALID_ENVELOPE');
      expect(error.message).toBe('AES key unwrap failed: the data or the key is wrong');
      expect(error.cause).toBeUndefined();
    },
  );
});

describe('pureJsCrypto refuses malformed input by name', () => {
  it.each([0, 8, 24, 31, 33])(
    'refuses a %i-byte AES-GCM key with INVALID_ARGUMENT',
    async (length) => {
      const error = await expectFailure(
        pure.importAesGcmKey(new Uint8Array(length)),
        'INVALID_ARGUMENT',
      );
      expect(error.message).toMatch(/"raw"/);
    },
  );

  it.each([0, 8, 11, 13, 16])('refuses a %i-byte IV with INVALID_ARGUMENT', async (length) => {
    const key = await pure.importAesGcmKey(key16);
    await expectFailure(
      pure.aesGcmEncrypt(key, new Uint8Array(length), new Uint8Array(1)),
      'INVALID_ARGUMENT',
    );
    await expectFailure(
      pure.aesGcmDecrypt(key, new Uint8Array(length), new Uint8Array(32)),
      'INVALID_ARGUMENT',
    );
  });

  it('refuses an AES-GCM key handle it did not make with INVALID_ARGUMENT', async () => {
    const foreign = await web.importAesGcmKey(key16);
    await expectFailure(pure.aesGcmEncrypt(foreign, iv, new Uint8Array(1)), 'INVALID_ARGUMENT');
    await expectFailure(
      pure.aesGcmDecrypt({} as never, iv, new Uint8Array(32)),
      'INVALID_ARGUMENT',
    );
  });

  it('refuses an AES-GCM key handle from another pure-JS backend instance', async () => {
    const other = await createPureJsCrypto().importAesGcmKey(key16);
    await expectFailure(pure.aesGcmEncrypt(other, iv, new Uint8Array(1)), 'INVALID_ARGUMENT');
  });

  it.each([0, 8, 24, 40])('refuses a %i-byte KEK with INVALID_ARGUMENT', async (length) => {
    await expectFailure(pure.aesKeyWrap(new Uint8Array(length), key16), 'INVALID_ARGUMENT');
    await expectFailure(
      pure.aesKeyUnwrap(new Uint8Array(length), new Uint8Array(24)),
      'INVALID_ARGUMENT',
    );
  });

  it.each([0, 8, 12, 17])('refuses to wrap a %i-byte key with INVALID_ARGUMENT', async (length) => {
    await expectFailure(pure.aesKeyWrap(key16, new Uint8Array(length)), 'INVALID_ARGUMENT');
  });

  it.each([0, -1, 8161, 1.5, Number.NaN])(
    'refuses an HKDF length of %s with INVALID_ARGUMENT',
    async (length) => {
      await expectFailure(pure.hkdfSha256(key16, key16, key16, length), 'INVALID_ARGUMENT');
    },
  );

  it.each<[string, () => Promise<unknown>]>([
    ['sha256 data', () => pure.sha256('abc' as never)],
    ['hkdf ikm', () => pure.hkdfSha256('abc' as never, key16, key16, 32)],
    ['hkdf salt', () => pure.hkdfSha256(key16, undefined as never, key16, 32)],
    [
      'gcm plaintext',
      async () => pure.aesGcmEncrypt(await pure.importAesGcmKey(key16), iv, 'abc' as never),
    ],
    [
      'gcm aad',
      async () => pure.aesGcmEncrypt(await pure.importAesGcmKey(key16), iv, key16, [1] as never),
    ],
    ['wrap key', () => pure.aesKeyWrap(key16, null as never)],
    ['unwrap data', () => pure.aesKeyUnwrap(key16, 'abc' as never)],
  ])('refuses %s that is no bytes with INVALID_ARGUMENT, naming it', async (_label, call) => {
    await expectFailure(call(), 'INVALID_ARGUMENT');
    await expect(call()).rejects.toThrow(/^"\w+" must be a Uint8Array or an ArrayBuffer$/);
  });
});

describe('pureJsCrypto ECDH and RSA input checks', () => {
  const validPeer = async () => (await web.ecdhEphemeral(await ownKey())).ephemeralPublicKey;
  async function ownKey(): Promise<EcPublicJwk> {
    const pair = (await globalThis.crypto.subtle.generateKey(
      { name: 'ECDH', namedCurve: 'P-256' },
      true,
      ['deriveBits'],
    )) as CryptoKeyPair;
    const { x, y } = await globalThis.crypto.subtle.exportKey('jwk', pair.publicKey);
    return { kty: 'EC', crv: 'P-256', x: x!, y: y! };
  }

  it('refuses a peer point off the curve with INVALID_ARGUMENT', async () => {
    const peer = await validPeer();
    const y = Buffer.from(peer.y, 'base64url');
    y[0]! ^= 1;
    await expectFailure(
      pure.ecdhEphemeral({ ...peer, y: y.toString('base64url') }),
      'INVALID_ARGUMENT',
    );
  });

  it('refuses a peer with a private member with INVALID_ARGUMENT', async () => {
    const peer = { ...(await validPeer()), d: 'A'.repeat(43) } as EcPublicJwk;
    await expectFailure(pure.ecdhEphemeral(peer), 'INVALID_ARGUMENT');
  });

  it('refuses an RSA key as the ECDH peer with INVALID_ARGUMENT', async () => {
    await expectFailure(
      pure.ecdhEphemeral({ kty: 'RSA', n: 'n'.repeat(342), e: 'AQAB' } as never),
      'INVALID_ARGUMENT',
    );
  });

  const rsaKey = async (): Promise<RsaPublicJwk> => {
    const params = {
      name: 'RSA-OAEP',
      modulusLength: 2048,
      publicExponent: Uint8Array.of(1, 0, 1),
      hash: 'SHA-256',
    };
    const pair = (await globalThis.crypto.subtle.generateKey(params, true, [
      'encrypt',
      'decrypt',
    ])) as CryptoKeyPair;
    const { n, e } = await globalThis.crypto.subtle.exportKey('jwk', pair.publicKey);
    return { kty: 'RSA', n: n!, e: e! };
  };
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

  it.each<[string, (key: RsaPublicJwk) => RsaPublicJwk]>([
    [
      'an even modulus',
      (k) => ({ ...k, n: b64(Uint8Array.of(...Buffer.from(k.n, 'base64url').subarray(0, -1), 2)) }),
    ],
    ['the exponent 1', (k) => ({ ...k, e: 'AQ' })],
    ['an even exponent', (k) => ({ ...k, e: 'AQAA' })],
    ['a 5-byte exponent', (k) => ({ ...k, e: b64(Uint8Array.of(1, 0, 0, 0, 1)) })],
    ['a modulus with a private member', (k) => ({ ...k, d: 'A'.repeat(342) }) as RsaPublicJwk],
    ['a modulus longer than 16384 bits', (k) => ({ ...k, n: b64(new Uint8Array(2049).fill(255)) })],
  ])('refuses an RSA key with %s with INVALID_ARGUMENT', async (_label, mutate) => {
    await expectFailure(
      pure.rsaOaepEncrypt(mutate(await rsaKey()), 'SHA-256', Uint8Array.of(1)),
      'INVALID_ARGUMENT',
    );
  });

  it('refuses an RSA key shorter than 2048 bits', async () => {
    const short = {
      kty: 'RSA',
      n: Buffer.alloc(128, 255).toString('base64url'),
      e: 'AQAB',
    } as RsaPublicJwk;
    await expect(pure.rsaOaepEncrypt(short, 'SHA-256', Uint8Array.of(1))).rejects.toBeInstanceOf(
      DeviceBindingError,
    );
  });

  it('refuses an EC key for RSA-OAEP with INVALID_ARGUMENT', async () => {
    await expectFailure(
      pure.rsaOaepEncrypt((await ownKey()) as never, 'SHA-256', Uint8Array.of(1)),
      'INVALID_ARGUMENT',
    );
  });

  it.each(['SHA-512', 'sha-256', 'toString', ''])(
    'refuses the OAEP hash %j with UNSUPPORTED_ALGORITHM',
    async (hash) => {
      await expectFailure(
        pure.rsaOaepEncrypt(await rsaKey(), hash as never, Uint8Array.of(1)),
        'UNSUPPORTED_ALGORITHM',
      );
    },
  );
});

describe('pureJsCrypto random source', () => {
  it('returns the requested number of bytes, also past the 65536-byte getRandomValues limit', () => {
    expect(pure.randomBytes(0)).toHaveLength(0);
    expect(pure.randomBytes(32)).toHaveLength(32);
    const large = pure.randomBytes(70_000);
    expect(large).toHaveLength(70_000);
    expect(large.subarray(65_536).some((b) => b !== 0)).toBe(true);
  });

  it('gives different bytes on each call', () => {
    expect(pure.randomBytes(32)).not.toEqual(pure.randomBytes(32));
  });

  it.each([-1, 1.5, Number.NaN, '8'])('refuses the length %j with INVALID_ARGUMENT', (length) => {
    expect(() => pure.randomBytes(length as number)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('without crypto.getRandomValues throws CRYPTO_UNAVAILABLE, naming the React Native polyfill', () => {
    Object.defineProperty(globalThis, 'crypto', {
      value: undefined,
      configurable: true,
      writable: true,
    });
    let error: unknown;
    try {
      pure.randomBytes(16);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DeviceBindingError);
    expect((error as DeviceBindingError).code).toBe('CRYPTO_UNAVAILABLE');
    expect((error as DeviceBindingError).message).toMatch(/react-native-get-random-values/);
    expect((error as DeviceBindingError).message).toMatch(
      /createPureJsCrypto\(\{ randomBytes \}\)/,
    );
  });

  it('without crypto.getRandomValues rejects operations that need randomness with CRYPTO_UNAVAILABLE', async () => {
    const peer = (
      await web.ecdhEphemeral(
        await (async () => {
          const pair = (await globalThis.crypto.subtle.generateKey(
            { name: 'ECDH', namedCurve: 'P-256' },
            true,
            ['deriveBits'],
          )) as CryptoKeyPair;
          const { x, y } = await globalThis.crypto.subtle.exportKey('jwk', pair.publicKey);
          return { kty: 'EC', crv: 'P-256', x: x!, y: y! } as EcPublicJwk;
        })(),
      )
    ).ephemeralPublicKey;
    Object.defineProperty(globalThis, 'crypto', { value: {}, configurable: true, writable: true });
    await expectFailure(pure.ecdhEphemeral(peer), 'CRYPTO_UNAVAILABLE');
    expect(await pure.sha256(Uint8Array.of(1))).toHaveLength(32);
  });

  it('picks up a getRandomValues polyfill installed after import', () => {
    Object.defineProperty(globalThis, 'crypto', { value: {}, configurable: true, writable: true });
    expect(() => pure.randomBytes(4)).toThrow();
    Object.defineProperty(globalThis, 'crypto', {
      value: { getRandomValues: (a: Uint8Array) => a.fill(0xab) },
      configurable: true,
      writable: true,
    });
    expect(pure.randomBytes(4)).toEqual(new Uint8Array(4).fill(0xab));
  });

  it('uses the random source given to createPureJsCrypto, for every random need', async () => {
    const requests: number[] = [];
    const backend = createPureJsCrypto({
      randomBytes: (length) => {
        requests.push(length);
        return realCrypto.getRandomValues(new Uint8Array(length));
      },
    });
    Object.defineProperty(globalThis, 'crypto', {
      value: undefined,
      configurable: true,
      writable: true,
    });
    expect(backend.randomBytes(5)).toHaveLength(5);
    const rsa = {
      kty: 'RSA',
      n: Buffer.alloc(256, 255).toString('base64url'),
      e: 'AQAB',
    } as RsaPublicJwk;
    expect(await backend.rsaOaepEncrypt(rsa, 'SHA-1', Uint8Array.of(1))).toHaveLength(256);
    expect(requests).toEqual([5, 20]);
  });

  it.each<[string, (length: number) => unknown]>([
    ['too few bytes', (length) => new Uint8Array(Math.max(0, length - 1))],
    ['an array of numbers', (length) => Array.from({ length }, () => 1)],
    ['undefined', () => undefined],
  ])('refuses a random source that returns %s with CRYPTO_UNAVAILABLE', (_label, source) => {
    const backend = createPureJsCrypto({ randomBytes: source as (length: number) => Uint8Array });
    expect(() => backend.randomBytes(8)).toThrow(
      expect.objectContaining({ code: 'CRYPTO_UNAVAILABLE' }),
    );
  });

  it('refuses a random source that is not a function with INVALID_ARGUMENT', async () => {
    await expectFailure(() => createPureJsCrypto({ randomBytes: 5 as never }), 'INVALID_ARGUMENT');
  });
});

function flip(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index]! ^= 1;
  return copy;
}
