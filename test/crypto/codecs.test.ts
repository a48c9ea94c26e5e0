// The plain-JS UTF-8 and base64 codecs the pure-JS backend installs for runtimes without
// TextEncoder, TextDecoder, atob or btoa: they must agree with the native ones exactly.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pureJsCodecs } from '../../src/crypto/codecs.js';

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
function nativeDecode(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}
const binary = (bytes: Uint8Array) => String.fromCharCode(...bytes);

describe('pure-JS UTF-8', () => {
  it('encodes any string as TextEncoder does, lone surrogates included', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.string({
          unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
        }),
        (text, surrogates) => {
          const mixed = text + surrogates + text;
          expect(pureJsCodecs.utf8Encode(mixed)).toEqual(new TextEncoder().encode(mixed));
        },
      ),
    );
    expect(pureJsCodecs.utf8Encode('a\uD800b\uDC00\uD83D\uDE00')).toEqual(
      Uint8Array.of(0x61, 0xef, 0xbf, 0xbd, 0x62, 0xef, 0xbf, 0xbd, 0xf0, 0x9f, 0x98, 0x80),
    );
  });

  it('decodes valid UTF-8 as TextDecoder does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(pureJsCodecs.utf8Decode(new TextEncoder().encode(text))).toBe(
          nativeDecode(new TextEncoder().encode(text)),
        );
      }),
    );
  });

  it('refuses any byte string a strict TextDecoder refuses', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        expect(pureJsCodecs.utf8Decode(bytes)).toBe(nativeDecode(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['an overlong form', [0xc0, 0x80]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a truncated sequence', [0xe2, 0x82]],
    ['a lone continuation byte', [0x80]],
  ])('refuses %s', (_label, bytes) => {
    expect(pureJsCodecs.utf8Decode(Uint8Array.from(bytes))).toBeUndefined();
  });
});

describe('pure-JS base64', () => {
  it('encodes as btoa does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(pureJsCodecs.btoa(binary(bytes))).toBe(btoa(binary(bytes)));
      }),
    );
  });

  it('decodes padded and unpadded base64 as atob does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const padded = btoa(binary(bytes));
        expect(pureJsCodecs.atob(padded)).toBe(binary(bytes));
        expect(pureJsCodecs.atob(padded.replace(/=+$/, ''))).toBe(binary(bytes));
      }),
    );
  });
});

describe('pure-JS base64url straight to bytes', () => {
  it('decodes any bytes as Node does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = Buffer.from(bytes).toString('base64url');
        expect(pureJsCodecs.base64urlDecode(text)).toEqual(bytes);
      }),
    );
  });

  for (const [label, text] of [
    ['"+" (standard base64)', 'ab+d'],
    ['"/" (standard base64)', 'ab/d'],
    ['padding', 'ab=='],
    ['a space', 'ab d'],
    ['a character above one byte', 'abŁd'],
    ['a character in the last group', 'abcd!b'],
    ['an impossible length', 'abcde'],
  ] as const) {
    it(`refuses ${label}`, () => {
      expect(pureJsCodecs.base64urlDecode(text)).toBeUndefined();
    });
  }
});
