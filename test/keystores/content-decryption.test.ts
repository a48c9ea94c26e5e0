// Bulk AES-GCM decryption in the native module (`decryptContent`): envelopes, streams and
// sealed values open through it automatically when the native side advertises it, over the
// text channel and the binary one; old modules keep working through the JS path; every
// failure is still the one INVALID_ENVELOPE, whichever side decrypted.

import { describe, expect, it } from 'vitest';
import { encodeBase64url } from '../../src/core/base64url.js';
import { DeviceBinding } from '../../src/core/device-binding.js';
import { pureJsCrypto } from '../../src/crypto/pure-js.js';
import { openEnvelope, openEnvelopeStream, seal, unseal } from '../../src/envelopes.js';
import { AndroidKeyStore, reactNativeBridge } from '../../src/keystores/android/index.js';
import { IosKeychainKeyStore } from '../../src/keystores/ios/index.js';
import { sealEnvelope } from '../../src/server/seal-envelope.js';
import { sealEnvelopeStream } from '../../src/server/seal-envelope-stream.js';
import {
  type BridgeSimulator,
  type BridgeSimulatorOptions,
  createBridgeSimulator,
} from '../../src/testing/bridge-simulator/index.js';
import { collect, streamOf } from '../envelope/helpers/devices.js';
import { rejection } from '../helpers/rejection.js';

const random = (length: number) => pureJsCrypto.randomBytes(length);
const contentCalls = (simulator: BridgeSimulator) =>
  simulator.calls.filter((c) => c.method === 'decryptContent');

function device(
  platform: 'android' | 'ios',
  options: Omit<BridgeSimulatorOptions, 'platform'> = {},
  timeoutMs?: number,
) {
  const simulator = createBridgeSimulator({ platform, ...options });
  const storeOptions = timeoutMs === undefined ? {} : { timeoutMs };
  const keyStore =
    platform === 'android'
      ? new AndroidKeyStore(simulator, storeOptions)
      : new IosKeychainKeyStore(simulator, storeOptions);
  const binding = new DeviceBinding({ keyStore, namespace: 'com.example.app' });
  return { simulator, keyStore, binding };
}

for (const platform of ['android', 'ios'] as const) {
  for (const binaryChannel of [false, true]) {
    const channel = binaryChannel ? 'binary channel' : 'text channel';
    describe(`${platform}: content decrypted by the native module (${channel})`, () => {
      it('opens an envelope through decryptContent', async () => {
        const { simulator, binding } = device(platform, { binaryChannel });
        const { encryptionKey } = await binding.createHandshake({ nonce: 'n' });
        const data = random(100_000);
        expect(await openEnvelope(binding, await sealEnvelope(data, encryptionKey))).toEqual(data);
        expect(contentCalls(simulator).length).toBe(1);
        // Over the binary channel the ciphertext is no base64url text parameter.
        expect(contentCalls(simulator)[0]!.params.ciphertext === undefined).toBe(binaryChannel);
      });

      it('opens a stream segment by segment through decryptContent', async () => {
        const { simulator, binding } = device(platform, { binaryChannel });
        const { encryptionKey } = await binding.createHandshake({ nonce: 'n' });
        const data = random(300_000);
        const sealed = await collect(sealEnvelopeStream(streamOf(data, 50_000), encryptionKey));
        expect(await collect(openEnvelopeStream(binding, streamOf(sealed, 50_000)))).toEqual(data);
        // The key envelope, then one call per 64 KiB segment.
        expect(contentCalls(simulator).length).toBe(1 + Math.ceil(data.length / 65536));
      });

      it('unseals a sealed value through decryptContent', async () => {
        const { simulator, binding } = device(platform, { binaryChannel });
        const data = random(5000);
        expect(
          await unseal(binding, await seal(binding, data, { context: 'c' }), { context: 'c' }),
        ).toEqual(data);
        expect(contentCalls(simulator).length).toBe(1);
      });
    });
  }

  describe(`${platform}: failures through the native module are the one INVALID_ENVELOPE`, () => {
    async function envelope(binaryChannel = false) {
      const d = device(platform, { binaryChannel }, 200);
      const { encryptionKey } = await d.binding.createHandshake({ nonce: 'n' });
      return { ...d, envelope: await sealEnvelope(random(1000), encryptionKey) };
    }
    const jsFailure = async () => {
      const d = device(platform, { contentDecryption: false });
      const { encryptionKey } = await d.binding.createHandshake({ nonce: 'n' });
      const sealed = (await sealEnvelope(random(1000), encryptionKey)).split('.');
      sealed[4] = sealed[4]!.startsWith('A')
        ? `B${sealed[4]!.slice(1)}`
        : `A${sealed[4]!.slice(1)}`;
      return rejection(openEnvelope(d.binding, sealed.join('.')));
    };

    it('a tampered tag: the same error, message and no cause as when JS decrypts', async () => {
      const { simulator, binding, envelope: text } = await envelope();
      const parts = text.split('.');
      parts[4] = parts[4]!.startsWith('A') ? `B${parts[4]!.slice(1)}` : `A${parts[4]!.slice(1)}`;
      const native = await rejection(openEnvelope(binding, parts.join('.')));
      const js = await jsFailure();
      expect(contentCalls(simulator).length).toBe(1);
      expect(native.code).toBe('INVALID_ENVELOPE');
      expect(native.message).toBe(js.message);
      expect(native.cause).toBe(js.cause);
    });

    it('a tampered ciphertext over the binary channel gives INVALID_ENVELOPE', async () => {
      const { binding, envelope: text } = await envelope(true);
      const parts = text.split('.');
      parts[3] = parts[3]!.startsWith('A') ? `B${parts[3]!.slice(1)}` : `A${parts[3]!.slice(1)}`;
      expect((await rejection(openEnvelope(binding, parts.join('.')))).code).toBe(
        'INVALID_ENVELOPE',
      );
    });

    it('a native failure gives INVALID_ENVELOPE', async () => {
      const { simulator, binding, envelope: text } = await envelope();
      simulator.failNext('decryptContent', 'ContentDecryptionFailed');
      const err = await rejection(openEnvelope(binding, text));
      expect(err.code).toBe('INVALID_ENVELOPE');
      expect(err.message).toBe((await jsFailure()).message);
    });

    it('a plaintext of the wrong length gives INVALID_ENVELOPE', async () => {
      const { simulator, binding, envelope: text } = await envelope();
      simulator.corruptNext('decryptContent', () => ({ plaintext: 'AAAA' }));
      expect((await rejection(openEnvelope(binding, text))).code).toBe('INVALID_ENVELOPE');
    });

    it('an answer without plaintext gives INVALID_ENVELOPE', async () => {
      const { simulator, binding, envelope: text } = await envelope();
      simulator.corruptNext('decryptContent', () => ({}));
      expect((await rejection(openEnvelope(binding, text))).code).toBe('INVALID_ENVELOPE');
    });

    it('a binary answer of the wrong length gives INVALID_ENVELOPE', async () => {
      const { simulator, binding, envelope: text } = await envelope(true);
      simulator.corruptNext('decryptContent', () => new Uint8Array(3));
      expect((await rejection(openEnvelope(binding, text))).code).toBe('INVALID_ENVELOPE');
    });

    it('a binary answer that is not bytes gives INVALID_ENVELOPE', async () => {
      const { simulator, binding, envelope: text } = await envelope(true);
      simulator.corruptNext('decryptContent', () => ({ plaintext: 'AAAA' }));
      expect((await rejection(openEnvelope(binding, text))).code).toBe('INVALID_ENVELOPE');
    });

    it('a native side that never answers gives INVALID_ENVELOPE after the timeout', async () => {
      const { simulator, binding, envelope: text } = await envelope();
      simulator.hangNext('decryptContent');
      expect((await rejection(openEnvelope(binding, text))).code).toBe('INVALID_ENVELOPE');
    });

    it('a tampered stream segment gives INVALID_ENVELOPE', async () => {
      const { binding } = device(platform, { binaryChannel: true });
      const { encryptionKey } = await binding.createHandshake({ nonce: 'n' });
      const sealed = await collect(
        sealEnvelopeStream(streamOf(random(150_000), 50_000), encryptionKey),
      );
      sealed[sealed.length - 100]! ^= 1;
      expect(
        (await rejection(collect(openEnvelopeStream(binding, streamOf(sealed, 50_000))))).code,
      ).toBe('INVALID_ENVELOPE');
    });
  });

  describe(`${platform}: when the native module does not decrypt content`, () => {
    it('a module from before decryptContent: envelopes, streams and sealing open in JS, and the method is never called', async () => {
      const { simulator, binding } = device(platform, { contentDecryption: false });
      const { encryptionKey } = await binding.createHandshake({ nonce: 'n' });
      const data = random(70_000);
      expect(await openEnvelope(binding, await sealEnvelope(data, encryptionKey))).toEqual(data);
      const sealed = await collect(sealEnvelopeStream(streamOf(data, 50_000), encryptionKey));
      expect(await collect(openEnvelopeStream(binding, streamOf(sealed, 50_000)))).toEqual(data);
      expect(await unseal(binding, await seal(binding, data))).toEqual(data);
      expect(simulator.calls.some((c) => c.method === 'decryptContent')).toBe(false);
    });

    it('content above the advertised maxBytes opens in JS', async () => {
      const { simulator, binding } = device(platform, { contentDecryption: { maxBytes: 1024 } });
      const { encryptionKey } = await binding.createHandshake({ nonce: 'n' });
      const large = random(5000);
      const small = random(100);
      expect(await openEnvelope(binding, await sealEnvelope(large, encryptionKey))).toEqual(large);
      expect(contentCalls(simulator).length).toBe(0);
      expect(await openEnvelope(binding, await sealEnvelope(small, encryptionKey))).toEqual(small);
      expect(contentCalls(simulator).length).toBe(1);
    });

    it('a malformed contentDecryption in getInfo gives KEYSTORE_ERROR', async () => {
      const { simulator, keyStore } = device(platform);
      simulator.corruptNext('getInfo', (answer) => ({
        ...(answer as object),
        contentDecryption: { maxBytes: 'lots' },
      }));
      expect((await rejection(keyStore.capabilities())).code).toBe('KEYSTORE_ERROR');
    });
  });
}

describe('decryptContent on the adapters', () => {
  it('refuses a content key that is not 16 or 32 bytes', async () => {
    const { keyStore } = device('android');
    const err = await rejection(
      keyStore.decryptContent({
        key: new Uint8Array(24),
        iv: new Uint8Array(12),
        sealed: new Uint8Array(16),
      }),
    );
    expect(err.code).toBe('INVALID_ARGUMENT');
  });

  it('refuses an IV that is not 12 bytes', async () => {
    const { keyStore } = device('ios');
    const err = await rejection(
      keyStore.decryptContent({
        key: new Uint8Array(16),
        iv: new Uint8Array(16),
        sealed: new Uint8Array(16),
      }),
    );
    expect(err.code).toBe('INVALID_ARGUMENT');
  });

  it('refuses content shorter than the tag', async () => {
    const { keyStore } = device('ios');
    const err = await rejection(
      keyStore.decryptContent({
        key: new Uint8Array(16),
        iv: new Uint8Array(12),
        sealed: new Uint8Array(15),
      }),
    );
    expect(err.code).toBe('INVALID_ARGUMENT');
  });

  it('answers undefined where the native module does not offer it', async () => {
    const { keyStore } = device('android', { contentDecryption: false });
    expect(
      await keyStore.decryptContent({
        key: new Uint8Array(16),
        iv: new Uint8Array(12),
        sealed: new Uint8Array(16),
      }),
    ).toBeUndefined();
  });
});

describe('reactNativeBridge over a module with a binary channel (callBytes)', () => {
  function module(answerBytes?: (plaintext: ArrayBuffer) => unknown) {
    const simulator = createBridgeSimulator({ platform: 'android', binaryChannel: true });
    const seen: { method: string; params: string; bytes: number }[] = [];
    const rn = {
      async call(method: string, params: string) {
        return JSON.stringify(await simulator.call(method, JSON.parse(params)));
      },
      async callBytes(method: string, params: string, data: ArrayBuffer) {
        seen.push({ method, params, bytes: data.byteLength });
        const plaintext = await simulator.callBytes!(
          method,
          JSON.parse(params),
          new Uint8Array(data),
        );
        const buffer = plaintext.slice().buffer as ArrayBuffer;
        return (answerBytes ? answerBytes(buffer) : buffer) as ArrayBuffer;
      },
    };
    const binding = new DeviceBinding({
      keyStore: new AndroidKeyStore(reactNativeBridge(rn)),
      namespace: 'com.example.app',
    });
    return { binding, seen };
  }

  it('sends the ciphertext as an ArrayBuffer and the rest as JSON text', async () => {
    const { binding, seen } = module();
    const { encryptionKey } = await binding.createHandshake({ nonce: 'n' });
    const data = random(20_000);
    expect(await openEnvelope(binding, await sealEnvelope(data, encryptionKey))).toEqual(data);
    expect(seen.length).toBe(1);
    expect(seen[0]!.bytes).toBe(data.length + 16);
    expect(Object.keys(JSON.parse(seen[0]!.params)).sort()).toEqual(['aad', 'iv', 'key']);
  });

  it('an answer that is not an ArrayBuffer gives INVALID_ENVELOPE', async () => {
    const { binding } = module(() => 'not bytes');
    const { encryptionKey } = await binding.createHandshake({ nonce: 'n' });
    const envelope = await sealEnvelope(random(100), encryptionKey);
    expect((await rejection(openEnvelope(binding, envelope))).code).toBe('INVALID_ENVELOPE');
  });
});

describe('decryptContent with the ciphertext still in base64url text (what Hermes sends)', () => {
  async function sealedText() {
    const key = random(32);
    const iv = random(12);
    const aad = random(20);
    const plaintext = random(10_000);
    const gcmKey = await pureJsCrypto.importAesGcmKey(key);
    const sealed = await pureJsCrypto.aesGcmEncrypt(gcmKey, iv, plaintext, aad);
    const ciphertext = encodeBase64url(sealed.subarray(0, -16));
    return { key, iv, aad, plaintext, ciphertext, tag: sealed.slice(-16) };
  }

  for (const binaryChannel of [false, true]) {
    it(`the native side decodes and decrypts it (${binaryChannel ? 'binary' : 'text'} channel)`, async () => {
      const { simulator, keyStore } = device('ios', { binaryChannel });
      const { plaintext, ...request } = await sealedText();
      expect(await keyStore.decryptContent(request)).toEqual(plaintext);
      expect(contentCalls(simulator)[0]!.params.ciphertext).toBe(request.ciphertext);
    });

    it(`a wrong tag is refused (${binaryChannel ? 'binary' : 'text'} channel)`, async () => {
      const { keyStore } = device('android', { binaryChannel });
      const { plaintext: _, tag, ...request } = await sealedText();
      tag[0]! ^= 1;
      expect((await rejection(keyStore.decryptContent({ ...request, tag }))).code).toBe(
        'KEYSTORE_ERROR',
      );
    });
  }

  it('text that is not base64url is refused by the native side', async () => {
    const { keyStore } = device('android');
    const { plaintext: _, ...request } = await sealedText();
    const err = await rejection(
      keyStore.decryptContent({ ...request, ciphertext: `${request.ciphertext.slice(0, -4)}+/+/` }),
    );
    expect((err.cause as { code?: string }).code).toBe('InvalidParams');
  });

  it('a tag that is not 16 bytes is refused', async () => {
    const { keyStore } = device('android');
    const { plaintext: _, ...request } = await sealedText();
    const err = await rejection(keyStore.decryptContent({ ...request, tag: new Uint8Array(12) }));
    expect(err.code).toBe('INVALID_ARGUMENT');
  });
});
