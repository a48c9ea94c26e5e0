// The argument asserters: each returns what it checked, and a mistake is worded the same way
// whichever public function it is made in.

import { describe, expect, it } from 'vitest';
import {
  assertBytes,
  assertFunction,
  assertNumber,
  assertObject,
  assertString,
  assertTime,
} from '../../src/core/assert.js';
import { DeviceBindingError } from '../../src/core/errors.js';
import { seal } from '../../src/envelopes.js';
import { DeviceBinding } from '../../src/index.js';
import { MemoryKeyStore } from '../../src/keystores/memory/index.js';
import { createNonceIssuer, MemoryReplayCache } from '../../src/server/index.js';
import { runKeyStoreConformance } from '../../src/testing/index.js';
import { cryptoOption } from '../setup/crypto-option.js';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(DeviceBindingError);
    expect((err as DeviceBindingError).code).toBe('INVALID_ARGUMENT');
    return (err as DeviceBindingError).message;
  }
  throw new Error('expected INVALID_ARGUMENT');
}

async function asyncMessageOf(run: () => Promise<unknown>): Promise<string> {
  const err = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeviceBindingError);
  expect((err as DeviceBindingError).code).toBe('INVALID_ARGUMENT');
  return (err as DeviceBindingError).message;
}

describe('the asserters', () => {
  it('return what they accepted', () => {
    const options = { a: 1 };
    expect(assertObject(options)).toBe(options);
    expect(assertString('x', 'name')).toBe('x');
    const f = () => 1;
    expect(assertFunction(f, 'f')).toBe(f);
    expect(assertNumber(5, 'n', { min: 1, max: 10 })).toBe(5);
    expect(assertNumber(undefined, 'n', { min: 1, max: 10, fallback: 7 })).toBe(7);
    expect(assertTime(new Date(1000), 'now')).toBe(1000);
    expect(assertTime(2000, 'now')).toBe(2000);
  });

  it('view an ArrayBuffer, a typed array and a DataView as bytes without copying', () => {
    const buffer = new Uint8Array([1, 2, 3, 4]).buffer;
    expect([...assertBytes(buffer, 'b')]).toEqual([1, 2, 3, 4]);
    const view = new DataView(buffer, 1, 2);
    const bytes = assertBytes(view, 'b');
    expect([...bytes]).toEqual([2, 3]);
    expect(bytes.buffer).toBe(buffer);
    expect([...assertBytes(new Uint16Array([0x0102]), 'b')].length).toBe(2);
  });

  it.each([
    ['an array as an object', () => assertObject([], 'options'), '"options" must be an object'],
    ['null as an object', () => assertObject(null, 'options'), '"options" must be an object'],
    ['an empty string', () => assertString('', 'name'), '"name" must be a non-empty string'],
    [
      'a string over its bound',
      () => assertString('abcd', 'name', 3),
      '"name" must be a string of 1–3 characters',
    ],
    [
      'a string as bytes',
      () => assertBytes('x', 'data'),
      '"data" must be a Uint8Array or an ArrayBuffer',
    ],
    [
      'a fraction where an integer is due',
      () => assertNumber(1.5, 'n', { min: 1, max: 3, integer: true }),
      '"n" must be an integer from 1 to 3',
    ],
    [
      'NaN seconds',
      () => assertNumber(Number.NaN, 'options.maxAgeSeconds', { min: 1, max: 9, unit: 'seconds' }),
      '"options.maxAgeSeconds" must be a number of seconds from 1 to 9',
    ],
    [
      'an invalid Date',
      () => assertTime(new Date(Number.NaN), 'options.now'),
      '"options.now" must be a Date or milliseconds since the epoch',
    ],
  ])('refuse %s, naming the argument and what it must be', (_, run, message) => {
    expect(messageOf(run)).toBe(message);
  });
});

describe('the same mistake gets the same words everywhere', () => {
  it('bytes given as a string: nonce secret and sealed plaintext', async () => {
    const binding = new DeviceBinding({
      keyStore: new MemoryKeyStore(),
      namespace: 'assert.test',
      ...cryptoOption(),
    });
    const issuer = messageOf(() =>
      createNonceIssuer({ secret: 'not bytes' as unknown as Uint8Array }),
    );
    const sealed = await asyncMessageOf(() =>
      seal(binding, 'not bytes' as unknown as Uint8Array, { context: 'c' }),
    );
    expect(issuer).toMatch(/ must be a Uint8Array or an ArrayBuffer$/);
    expect(sealed).toMatch(/ must be a Uint8Array or an ArrayBuffer$/);
  });

  it('options that are not an object: replay cache, nonce issuer, conformance kit', async () => {
    const words = '"options" must be an object';
    expect(messageOf(() => new MemoryReplayCache(5 as unknown as object))).toBe(words);
    expect(messageOf(() => createNonceIssuer('x' as unknown as { secret: Uint8Array }))).toBe(
      words,
    );
    expect(
      await asyncMessageOf(() =>
        runKeyStoreConformance(() => new MemoryKeyStore(), 5 as unknown as object),
      ),
    ).toBe(words);
  });

  it('seconds out of range: replay-cache lifetime and nonce window', () => {
    const ttl = messageOf(() => new MemoryReplayCache({ ttlSeconds: 0 }));
    const window = messageOf(() =>
      createNonceIssuer({ secret: new Uint8Array(32), windowSeconds: 0 }),
    );
    for (const message of [ttl, window])
      expect(message).toMatch(/ must be an? \w+ of seconds from 1 to /);
  });
});
