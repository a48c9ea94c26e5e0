import { describe, expect, it } from 'vitest';
import { DeviceBinding, DeviceBindingError } from '../../src/index.js';
import { MemoryKeyStore } from '../../src/keystores/memory/index.js';
import { cryptoOption } from '../setup/crypto-option.js';

const secret = new TextEncoder().encode('refresh-token-value');

function binding(keyStore = new MemoryKeyStore(), namespace = 'com.example.seal') {
  return new DeviceBinding({ keyStore, namespace, ...cryptoOption() });
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeviceBindingError);
  return (err as DeviceBindingError).code;
}

describe('DeviceBinding.seal / unseal', () => {
  it('round-trips on the same install and context', async () => {
    const device = binding();
    const sealed = await device.seal(secret, { context: 'refresh-token' });
    expect(typeof sealed).toBe('string');
    expect(sealed).not.toContain('refresh-token-value');
    expect(await device.unseal(sealed, { context: 'refresh-token' })).toEqual(secret);
  });

  it('opens after the app restarts (a new binding over the same store)', async () => {
    const store = new MemoryKeyStore();
    const sealed = await binding(store).seal(secret, { context: 'c' });
    expect(await binding(store).unseal(sealed, { context: 'c' })).toEqual(secret);
  });

  it('does not open under another context', async () => {
    const device = binding();
    const sealed = await device.seal(secret, { context: 'refresh-token' });
    expect(await codeOf(device.unseal(sealed, { context: 'id-token' }))).toBe('INVALID_ENVELOPE');
    expect(await codeOf(device.unseal(sealed))).toBe('INVALID_ENVELOPE');
  });

  it('does not open on another install', async () => {
    const sealed = await binding().seal(secret, { context: 'c' });
    const other = binding();
    await other.ensureKeys();
    expect(await codeOf(other.unseal(sealed, { context: 'c' }))).toBe('INVALID_ENVELOPE');
  });

  it('does not open after unbind, even with new keys under the same namespace', async () => {
    const device = binding();
    const sealed = await device.seal(secret, { context: 'c' });
    await device.unbind();
    await device.ensureKeys();
    expect(await codeOf(device.unseal(sealed, { context: 'c' }))).toBe('INVALID_ENVELOPE');
  });

  it('detects a tampered sealed value', async () => {
    const device = binding();
    const sealed = await device.seal(secret, { context: 'c' });
    const parts = sealed.split('.');
    const ciphertext = parts[3]!;
    parts[3] = (ciphertext[0] === 'A' ? 'B' : 'A') + ciphertext.slice(1);
    expect(await codeOf(device.unseal(parts.join('.'), { context: 'c' }))).toBe('INVALID_ENVELOPE');
  });

  it('leaves the caller’s bytes untouched', async () => {
    const input = secret.slice();
    await binding().seal(input, { context: 'c' });
    expect(input).toEqual(secret);
  });

  it('refuses a context that is not a string', async () => {
    expect(await codeOf(binding().seal(secret, { context: 42 } as never))).toBe('INVALID_ARGUMENT');
  });

  it('needs keys to unseal', async () => {
    expect(await codeOf(binding().unseal('a.b.c.d.e', { context: 'c' }))).toBe('KEY_NOT_FOUND');
  });
});

describe('DeviceBinding.openEnvelope / openEnvelopeStream key handling', () => {
  it('needs keys to open an envelope', async () => {
    expect(await codeOf(binding().openEnvelope('a.b.c.d.e'))).toBe('KEY_NOT_FOUND');
  });

  it('errors the stream when there are no keys', async () => {
    const stream = binding().openEnvelopeStream(new ReadableStream({ start: (c) => c.close() }));
    expect(await codeOf(stream.getReader().read())).toBe('KEY_NOT_FOUND');
  });
});
