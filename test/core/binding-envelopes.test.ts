// The envelope functions of devicebind/envelopes over a DeviceBinding: sealing to the install,
// key handling, what they accept as a binding, and what of the binding's options they use.
// (Opening server-made envelopes and streams: test/envelope/binding-envelopes.test.ts.)

import { describe, expect, it } from 'vitest';
import { type CryptoBackend, resolveCryptoBackend } from '../../src/core/crypto-backend.js';
import { openEnvelope, openEnvelopeStream, seal, unseal } from '../../src/envelopes.js';
import {
  DeviceBinding,
  DeviceBindingError,
  type KeyOperationOptions,
  type PublicJwk,
} from '../../src/index.js';
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

describe('seal / unseal', () => {
  it('round-trips on the same install and context', async () => {
    const device = binding();
    const sealed = await seal(device, secret, { context: 'refresh-token' });
    expect(typeof sealed).toBe('string');
    expect(sealed).not.toContain('refresh-token-value');
    expect(await unseal(device, sealed, { context: 'refresh-token' })).toEqual(secret);
  });

  it('seals an ArrayBuffer as the bytes it holds', async () => {
    const device = binding();
    const sealed = await seal(device, secret.slice().buffer, { context: 'c' });
    expect(await unseal(device, sealed, { context: 'c' })).toEqual(secret);
  });

  it('refuses to seal a string, naming "plaintext" and what it must be', async () => {
    const err = await seal(binding(), 'text' as never).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: '"plaintext" must be a Uint8Array or an ArrayBuffer',
    });
  });

  it('opens after the app restarts (a new binding over the same store)', async () => {
    const store = new MemoryKeyStore();
    const sealed = await seal(binding(store), secret, { context: 'c' });
    expect(await unseal(binding(store), sealed, { context: 'c' })).toEqual(secret);
  });

  it('does not open under another context', async () => {
    const device = binding();
    const sealed = await seal(device, secret, { context: 'refresh-token' });
    expect(await codeOf(unseal(device, sealed, { context: 'id-token' }))).toBe('INVALID_ENVELOPE');
    expect(await codeOf(unseal(device, sealed))).toBe('INVALID_ENVELOPE');
  });

  it('does not open on another install', async () => {
    const sealed = await seal(binding(), secret, { context: 'c' });
    const other = binding();
    await other.ensureKeys();
    expect(await codeOf(unseal(other, sealed, { context: 'c' }))).toBe('INVALID_ENVELOPE');
  });

  it('does not open after unbind, even with new keys under the same namespace', async () => {
    const device = binding();
    const sealed = await seal(device, secret, { context: 'c' });
    await device.unbind();
    await device.ensureKeys();
    expect(await codeOf(unseal(device, sealed, { context: 'c' }))).toBe('INVALID_ENVELOPE');
  });

  it('detects a tampered sealed value', async () => {
    const device = binding();
    const sealed = await seal(device, secret, { context: 'c' });
    const parts = sealed.split('.');
    const ciphertext = parts[3]!;
    parts[3] = (ciphertext[0] === 'A' ? 'B' : 'A') + ciphertext.slice(1);
    expect(await codeOf(unseal(device, parts.join('.'), { context: 'c' }))).toBe(
      'INVALID_ENVELOPE',
    );
  });

  it('leaves the caller’s bytes untouched', async () => {
    const input = secret.slice();
    await seal(binding(), input, { context: 'c' });
    expect(input).toEqual(secret);
  });

  it('refuses a context that is not a string', async () => {
    expect(await codeOf(seal(binding(), secret, { context: 42 } as never))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('needs keys to unseal', async () => {
    expect(await codeOf(unseal(binding(), 'a.b.c.d.e', { context: 'c' }))).toBe('KEY_NOT_FOUND');
  });
});

describe('openEnvelope / openEnvelopeStream key handling', () => {
  it('needs keys to open an envelope', async () => {
    expect(await codeOf(openEnvelope(binding(), 'a.b.c.d.e'))).toBe('KEY_NOT_FOUND');
  });

  it('errors the stream when there are no keys', async () => {
    const stream = openEnvelopeStream(binding(), new ReadableStream({ start: (c) => c.close() }));
    expect(await codeOf(stream.getReader().read())).toBe('KEY_NOT_FOUND');
  });
});

describe('what the envelope functions take as a binding', () => {
  const notBindings: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['a string', 'com.example.seal'],
    ['a plain object', {}],
    // Has every public member of a binding, but was not made by the DeviceBinding constructor.
    ['a look-alike', Object.assign(Object.create(DeviceBinding.prototype), binding())],
  ];

  for (const [name, value] of notBindings) {
    it(`refuses ${name} with INVALID_ARGUMENT`, async () => {
      const notABinding = value as DeviceBinding;
      expect(await codeOf(seal(notABinding, secret))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(unseal(notABinding, 'a.b.c.d.e'))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(openEnvelope(notABinding, 'a.b.c.d.e'))).toBe('INVALID_ARGUMENT');
      const thrown = (() => {
        try {
          openEnvelopeStream(notABinding, new ReadableStream());
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(thrown).toBeInstanceOf(DeviceBindingError);
      expect((thrown as DeviceBindingError).code).toBe('INVALID_ARGUMENT');
      expect((thrown as DeviceBindingError).message).toBe('"binding" must be a DeviceBinding');
    });
  }

  it('keeps its access to the keys out of sight of enumeration and JSON', () => {
    const device = binding();
    expect(Object.keys(device)).toEqual(['keyStore', 'namespace']);
    expect(JSON.parse(JSON.stringify(device))).toEqual({
      keyStore: { name: 'memory' },
      namespace: 'com.example.seal',
    });
    expect(
      Object.getOwnPropertySymbols(device).every(
        (key) => !Object.getOwnPropertyDescriptor(device, key)?.enumerable,
      ),
    ).toBe(true);
  });
});

describe('what the envelope functions use of the binding', () => {
  it("pass the binding's decrypt prompt to every key store operation", async () => {
    const seen: (KeyOperationOptions | undefined)[] = [];
    const store = new MemoryKeyStore();
    const derive = store.deriveSharedSecret.bind(store);
    store.deriveSharedSecret = (alias: string, peer: PublicJwk, options?: KeyOperationOptions) => {
      seen.push(options);
      return derive(alias, peer);
    };
    const prompt = { title: 'Open your notes' };
    const device = new DeviceBinding({
      keyStore: store,
      namespace: 'com.example.prompt',
      prompts: { decrypt: prompt },
      ...cryptoOption(),
    });
    const sealed = await seal(device, secret, { context: 'notes' });
    expect(await unseal(device, sealed, { context: 'notes' })).toEqual(secret);
    expect(seen.length).toBeGreaterThan(0);
    for (const options of seen) expect(options).toEqual({ prompt });
  });

  it("use the binding's crypto backend", async () => {
    const base = resolveCryptoBackend(cryptoOption().crypto);
    let gcmCalls = 0;
    const counting: CryptoBackend = {
      ...base,
      aesGcmEncrypt: (...args) => {
        gcmCalls++;
        return base.aesGcmEncrypt(...args);
      },
      aesGcmDecrypt: (...args) => {
        gcmCalls++;
        return base.aesGcmDecrypt(...args);
      },
    };
    const device = new DeviceBinding({
      keyStore: new MemoryKeyStore(),
      namespace: 'com.example.backend',
      crypto: counting,
    });
    const sealed = await seal(device, secret);
    expect(gcmCalls).toBe(1);
    expect(await unseal(device, sealed)).toEqual(secret);
    expect(gcmCalls).toBe(2);
  });

  it('create the keys to seal, as the binding would', async () => {
    const device = binding();
    expect(await device.getDeviceId()).toBeNull();
    await seal(device, secret);
    const { deviceId, created } = await device.ensureKeys();
    expect(created).toBe(false);
    expect(await device.getDeviceId()).toBe(deviceId);
  });
});
