// Megabyte envelopes in real Chromium: what the Node server seals opens byte for byte, its
// ciphertext decoded by the platform's Uint8Array.prototype.setFromBase64; one flipped bit
// anywhere in the ciphertext or tag fails authentication, and a ciphertext that is not strict
// base64url fails as malformed, however the platform decoder treats it.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OPEN_FAILED } from '../../../src/core/envelope/failure.js';
import { openEnvelope } from '../../../src/envelopes.js';
import { patternBytes } from '../shared/pattern-bytes.js';
import {
  deleteRegisteredDevices,
  firstDifference,
  type RegisteredDevice,
  registeredDevice,
} from './envelope-helpers.js';
import { expectOk, sealPatternEnvelopeOnServer } from './server.js';

const MiB = 1 << 20;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const CIPHERTEXT = 3;
const TAG = 4;
/** How many characters of a large part the decoder hands the platform at a time. */
const SLICE_CHARS = 262_144;
const SLICE_BYTES = (SLICE_CHARS / 4) * 3;

/** The ES2026 base64 method (not in the TypeScript libs this project compiles against). */
interface WithSetFromBase64 {
  setFromBase64(text: string, options?: { alphabet?: string }): { read: number; written: number };
}

/** `part` (base64url) with bit `bit` of its decoded bytes flipped; bit 0 is byte 0's high bit. */
function flipDecodedBit(part: string, bit: number): string {
  const at = Math.floor(bit / 6);
  const value = ALPHABET.indexOf(part.charAt(at));
  const flipped = ALPHABET.charAt(value ^ (1 << (5 - (bit % 6))));
  return part.slice(0, at) + flipped + part.slice(at + 1);
}

/** Decoded byte length of a base64url part without padding. */
function decodedLength(part: string): number {
  return Math.floor((part.length * 3) / 4);
}

function withPart(envelope: string, index: number, change: (part: string) => string): string {
  const parts = envelope.split('.');
  parts[index] = change(parts[index]!);
  return parts.join('.');
}

afterAll(deleteRegisteredDevices);

it('runs on a Chromium with Uint8Array.prototype.setFromBase64, so the fast path is the one tested', () => {
  expect(typeof (Uint8Array.prototype as Partial<WithSetFromBase64>).setFromBase64).toBe(
    'function',
  );
});

describe.each([
  ['1 MiB', MiB],
  ['3 MiB and 2 bytes', 3 * MiB + 2],
])('an envelope of %s in Chromium', (_label, length) => {
  let device: RegisteredDevice;
  let envelope: string;

  beforeAll(async () => {
    device = await registeredDevice();
    envelope = expectOk(await sealPatternEnvelopeOnServer(length, device.encryptionKey));
  });

  async function expectOpenFailed(tampered: string): Promise<void> {
    expect(tampered).not.toBe(envelope);
    expect(tampered.length).toBe(envelope.length);
    await expect(openEnvelope(device.binding, tampered)).rejects.toMatchObject({
      name: 'DeviceBindingError',
      code: 'INVALID_ENVELOPE',
      message: OPEN_FAILED,
    });
  }

  async function expectMalformedCiphertext(tampered: string): Promise<void> {
    await expect(openEnvelope(device.binding, tampered)).rejects.toMatchObject({
      name: 'DeviceBindingError',
      code: 'INVALID_ENVELOPE',
      message: "the envelope's ciphertext is malformed",
    });
  }

  it('is a compact JWE whose ciphertext spans several decoding slices', () => {
    const parts = envelope.split('.');
    expect(parts).toHaveLength(5);
    expect(decodedLength(parts[CIPHERTEXT]!)).toBe(length);
    expect(parts[CIPHERTEXT]!.length).toBeGreaterThan(4 * SLICE_CHARS);
  });

  it('opens byte for byte, the whole ciphertext decoded by setFromBase64', async () => {
    const proto = Uint8Array.prototype as unknown as WithSetFromBase64;
    const spy = vi.spyOn(proto, 'setFromBase64');
    try {
      const opened = await openEnvelope(device.binding, envelope);
      expect(opened.length).toBe(length);
      expect(firstDifference(opened, patternBytes(length))).toBe(-1);
      const written = spy.mock.results.reduce(
        (sum, result) => sum + (result.type === 'return' ? result.value.written : 0),
        0,
      );
      expect(written).toBe(length);
      expect(spy.mock.calls.every(([, options]) => options?.alphabet === 'base64url')).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });

  it.each([
    ['the first bit of the ciphertext', 0],
    ['the last bit of the first 256 Ki-character slice', SLICE_BYTES * 8 - 1],
    ['the first bit of the second slice', SLICE_BYTES * 8],
    ['a bit in the middle of the ciphertext', Math.floor(length / 2) * 8 + 3],
    ['the last bit of the ciphertext', length * 8 - 1],
  ])('fails to open with %s flipped', async (_where, bit) => {
    await expectOpenFailed(withPart(envelope, CIPHERTEXT, (part) => flipDecodedBit(part, bit)));
  });

  it.each([
    ['first', 0],
    ['last', 127],
  ])('fails to open with the %s bit of the tag flipped', async (_where, bit) => {
    await expectOpenFailed(withPart(envelope, TAG, (part) => flipDecodedBit(part, bit)));
  });

  it('still opens after those attempts', async () => {
    expect((await openEnvelope(device.binding, envelope)).length).toBe(length);
  });

  it.each([
    ['a space', ' '],
    ['a line feed', '\n'],
    ['a "+" (standard base64)', '+'],
    ['a "/" (standard base64)', '/'],
    ['a "=" padding character', '='],
    ['a non-ASCII letter', 'Ł'],
  ])('refuses a ciphertext with %s in its second slice as malformed', async (_what, char) => {
    const at = SLICE_CHARS + 1001;
    await expectMalformedCiphertext(
      withPart(envelope, CIPHERTEXT, (part) => part.slice(0, at) + char + part.slice(at + 1)),
    );
  });

  it('refuses a ciphertext with padding appended as malformed', async () => {
    const padding = '='.repeat(4 - (envelope.split('.')[CIPHERTEXT]!.length % 4));
    await expectMalformedCiphertext(withPart(envelope, CIPHERTEXT, (part) => part + padding));
  });

  it('refuses a ciphertext whose unused final bits are set as malformed', async () => {
    await expectMalformedCiphertext(
      withPart(envelope, CIPHERTEXT, (part) => {
        const last = ALPHABET.indexOf(part.charAt(part.length - 1));
        return part.slice(0, -1) + ALPHABET.charAt(last | 1);
      }),
    );
  });
});
