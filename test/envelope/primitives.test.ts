import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { byteQueue } from '../../src/core/envelope/byte-queue.js';
import { concatKdf } from '../../src/core/envelope/concat-kdf.js';
import { decodePart } from '../../src/core/envelope/decode-part.js';
import { isP256Point } from '../../src/core/envelope/p256-point.js';
import { DeviceBindingError } from '../../src/core/errors.js';
import { concatKdfReference } from './helpers/build-jwe.js';
import { backend, thrown } from './helpers/devices.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('Concat KDF (RFC 7518 §4.6.2)', () => {
  it('matches the RFC 7518 Appendix C example', async () => {
    const z = Uint8Array.from([
      158, 86, 217, 29, 129, 113, 53, 211, 114, 131, 66, 131, 191, 132, 38, 156, 251, 49, 110, 163,
      218, 128, 106, 72, 246, 218, 167, 121, 140, 254, 144, 196,
    ]);
    const key = await concatKdf(backend, z, 'A128GCM', 16, utf8('Alice'), utf8('Bob'));
    expect(Buffer.from(key).toString('base64url')).toBe('VqqN6vgjbSBcIijNcacQGg');
  });

  it('matches an independent implementation for any input', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.constantFrom('A128GCM', 'A256GCM', 'ECDH-ES+A128KW', 'ECDH-ES+A256KW'),
        fc.constantFrom(16, 32),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 40 }),
        async (z, id, length, apu, apv) => {
          expect(await concatKdf(backend, z, id, length, apu, apv)).toEqual(
            concatKdfReference(z, id, length, apu, apv),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('P-256 point check', () => {
  const G = {
    x: Buffer.from('6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296', 'hex'),
    y: Buffer.from('4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5', 'hex'),
  };
  it('accepts the generator and rejects its neighbours, (0,0), p and wrong lengths', () => {
    expect(isP256Point(G.x, G.y)).toBe(true);
    const y1 = Buffer.from(G.y);
    y1[31]! ^= 1;
    expect(isP256Point(G.x, y1)).toBe(false);
    expect(isP256Point(new Uint8Array(32), new Uint8Array(32))).toBe(false);
    const p = Buffer.from(
      'ffffffff00000001000000000000000000000000ffffffffffffffffffffffff',
      'hex',
    );
    expect(isP256Point(p, G.y)).toBe(false);
    expect(isP256Point(G.x.subarray(1), G.y)).toBe(false);
    expect(isP256Point(Buffer.concat([Buffer.alloc(1), G.x]), G.y)).toBe(false);
  });

  it('accepts -G (y = p - Gy) and rejects y + p overflowing 32 bytes', () => {
    const p = BigInt('0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff');
    const negY = Buffer.from(
      (p - BigInt(`0x${G.y.toString('hex')}`)).toString(16).padStart(64, '0'),
      'hex',
    );
    expect(isP256Point(G.x, negY)).toBe(true);
  });
});

describe('decodePart (strict base64url for JWE parts)', () => {
  it('round-trips any bytes, small and large, and leaves the spare room at the end', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(20), (bytes, spare) => {
        const out = decodePart(Buffer.from(bytes).toString('base64url'), 'part', spare);
        expect(out.length).toBe(bytes.length + spare);
        expect(out.subarray(0, bytes.length)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['padding', 'QUJD='],
    ['standard alphabet +', 'ab+d'],
    ['standard alphabet /', 'ab/d'],
    ['a space', 'ab d'],
    ['impossible length', 'abcde'],
    ['non-zero trailing bits (2 chars)', 'QR'],
    ['non-zero trailing bits (3 chars)', 'QUJ'],
  ])('refuses %s', (_, text) => {
    const err = thrown(() => decodePart(text, 'iv'));
    expect([err.code, err.message]).toEqual(['INVALID_ENVELOPE', "the envelope's iv is malformed"]);
  });

  it('refuses the same defects in a part long enough for the native decoder', () => {
    const good = Buffer.alloc(3000, 0x5a).toString('base64url');
    expect(decodePart(good, 'ciphertext').length).toBe(3000);
    for (const bad of ['+', '/', ' ', '=', '\n', '!', '\u00ff', '\u0100', '\u0141', '\u{1F600}']) {
      expect(() =>
        decodePart(`${good.slice(0, 1500)}${bad}${good.slice(1501)}`, 'ciphertext'),
      ).toThrow(DeviceBindingError);
    }
    expect(() => decodePart(`${good}A`, 'ciphertext')).toThrow(DeviceBindingError);
    expect(() => decodePart(`${good}AB`, 'ciphertext')).toThrow(DeviceBindingError);
  });

  it('decodes and refuses the same way without a native codec (table decoder)', async () => {
    vi.resetModules();
    vi.stubGlobal('Buffer', undefined);
    try {
      const fresh = await import('../../src/core/envelope/decode-part.js');
      const text = 'QUJDREVGR0g'.repeat(300);
      const reference = decodePart(text, 'x');
      expect(fresh.decodePart(text, 'x')).toEqual(reference);
      expect(() => fresh.decodePart(`${text.slice(0, 100)}+${text.slice(101)}`, 'x')).toThrow(
        'malformed',
      );
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });

  it('uses Uint8Array.prototype.setFromBase64 where the platform has it', async () => {
    vi.resetModules();
    const calls: string[] = [];
    // A minimal stand-in for the platform method, with its strict alphabet and its habit of skipping whitespace.
    Object.defineProperty(Uint8Array.prototype, 'setFromBase64', {
      configurable: true,
      value(this: Uint8Array, text: string, options: { alphabet: string }) {
        calls.push(options.alphabet);
        if (/[^A-Za-z0-9_\-\s]/.test(text)) throw new SyntaxError('bad character');
        const clean = text.replace(/\s/g, '');
        const bytes = Buffer.from(clean, 'base64url');
        this.set(bytes.subarray(0, this.length));
        return { read: text.length, written: Math.min(bytes.length, this.length) };
      },
    });
    try {
      const fresh = await import('../../src/core/envelope/decode-part.js');
      const text = Buffer.alloc(3000, 7).toString('base64url');
      expect(fresh.decodePart(text, 'x')).toEqual(new Uint8Array(3000).fill(7));
      expect(calls.length).toBeGreaterThan(0);
      expect(calls.every((a) => a === 'base64url')).toBe(true);
      expect(() => fresh.decodePart(`${text.slice(0, 100)} ${text.slice(101)}`, 'x')).toThrow(
        'malformed',
      );
      expect(() => fresh.decodePart(`${text.slice(0, 100)}+${text.slice(101)}`, 'x')).toThrow(
        'malformed',
      );
    } finally {
      delete (Uint8Array.prototype as { setFromBase64?: unknown }).setFromBase64;
      vi.resetModules();
    }
  });
});

describe('byteQueue', () => {
  it('hands out exact pieces whatever the chunking, copying only across chunks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 50 }), { maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 30 }),
        (chunks, takes) => {
          const q = byteQueue();
          const all = Buffer.concat(chunks);
          for (const c of chunks) q.push(c);
          let offset = 0;
          for (const n of takes) {
            if (n > q.length) continue;
            expect(Buffer.from(q.take(n))).toEqual(all.subarray(offset, offset + n));
            offset += n;
            expect(q.length).toBe(all.length - offset);
          }
        },
      ),
    );
  });

  it('stays fast with a million 1-byte chunks', () => {
    const q = byteQueue();
    for (let i = 0; i < 1_000_000; i++) q.push(Uint8Array.of(i & 255));
    let sum = 0;
    while (q.length >= 1000) sum += q.take(1000)[999]!;
    expect(q.length).toBe(0);
    expect(sum).toBeGreaterThan(0);
  });

  it('returns a view, not a copy, when a piece lies inside one chunk', () => {
    const q = byteQueue();
    const chunk = new Uint8Array(100);
    q.push(chunk);
    expect(q.take(40).buffer).toBe(chunk.buffer);
  });
});
