import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64, encodeBase64url } from '../../src/core/base64url.js';
import { DeviceBindingError } from '../../src/core/errors.js';

describe('base64url', () => {
  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(decodeBase64url(encodeBase64url(bytes))).toEqual(bytes);
      }),
    );
  });

  it('matches the RFC 4648 test vectors', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [text, encoded] of vectors) {
      expect(encodeBase64url(new TextEncoder().encode(text))).toBe(encoded);
      expect(new TextDecoder().decode(decodeBase64url(encoded))).toBe(text);
    }
    expect(encodeBase64(Uint8Array.of(0xfb, 0xff))).toBe('+/8=');
    expect(encodeBase64url(Uint8Array.of(0xfb, 0xff))).toBe('-_8');
  });

  it('round-trips large inputs through the native codec', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 31) & 255);
    expect(decodeBase64url(encodeBase64url(bytes))).toEqual(bytes);
  });

  it.each(['Zm9v=', 'Zm+v', 'Zm/v', 'Z', 'Zm9vY', 'Zm 9v', 'Zm9v\n'])('rejects %j', (bad) => {
    expect(() => decodeBase64url(bad, 'token')).toThrow(DeviceBindingError);
  });

  // 'Zh' and 'Zm9' spell "f" and "fo" with stray low bits: a second spelling of the same bytes.
  it.each(['Zh', 'Zg_', 'Zm9', 'Zm9vYh', 'Zm9vYmF'])(
    'rejects the non-canonical spelling %j',
    (bad) => {
      expect(() => decodeBase64url(bad, 'token')).toThrow(DeviceBindingError);
    },
  );

  it('accepts exactly one spelling of any bytes', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(63), (bytes, bits) => {
        const encoded = encodeBase64url(bytes);
        const unusedBits = [0, 4, 2][bytes.length % 3]!;
        const last = alphabet.indexOf(encoded.at(-1)!) | (bits & ((1 << unusedBits) - 1));
        const variant = `${encoded.slice(0, -1)}${alphabet[last]}`;
        if (variant === encoded) expect(decodeBase64url(variant)).toEqual(bytes);
        else expect(() => decodeBase64url(variant)).toThrow(DeviceBindingError);
      }),
    );
  });
});
