// The Hermes program of test/hermes/content-decryption.test.ts: sealed values opened with the
// native module decrypting (decryptContent) over the text channel and the binary one, and
// through the JS path with a module from before the method, in React Native's engine, where
// an envelope's ciphertext crosses as base64url text for native code to decode.

import { DeviceBinding } from '../../src/core/device-binding.js';
import { utf8Decode, utf8Encode } from '../../src/core/utf8.js';
import { pureJsCrypto } from '../../src/crypto/pure-js.js';
import { seal, unseal } from '../../src/envelopes.js';
import { AndroidKeyStore } from '../../src/keystores/android/index.js';
import { reactNativeBridge } from '../../src/keystores/bridge/react-native.js';
import { IosKeychainKeyStore } from '../../src/keystores/ios/index.js';
import {
  type BridgeSimulatorOptions,
  createBridgeSimulator,
} from '../../src/testing/bridge-simulator/index.js';
import { nativeFeatures } from './hermes-polyfills.js';

declare const print: (text: string) => void;

/** One scenario's outcome, as the program prints it. */
export interface ContentScenario {
  readonly name: string;
  readonly opened: boolean;
  readonly decryptContentCalls: number;
  /** Whether the ciphertext crossed as text (a `ciphertext` parameter). */
  readonly ciphertextAsText: boolean;
  readonly tamperedCode: string | undefined;
}

const TEXT = 'a file for this phone only — '.repeat(200);

async function scenario(
  name: string,
  platform: 'android' | 'ios',
  options: Omit<BridgeSimulatorOptions, 'platform'>,
): Promise<ContentScenario> {
  const simulator = createBridgeSimulator({ platform, ...options });
  // As an app wires it: the React Native transport over the module (binary channel included).
  const module = {
    async call(method: string, params: string) {
      return JSON.stringify(await simulator.call(method, JSON.parse(params)));
    },
    ...(simulator.callBytes && {
      async callBytes(method: string, params: string, data: ArrayBuffer) {
        const out = await simulator.callBytes!(method, JSON.parse(params), new Uint8Array(data));
        return out.buffer.slice(out.byteOffset, out.byteOffset + out.length) as ArrayBuffer;
      },
    }),
  };
  const bridge = reactNativeBridge(module);
  const keyStore =
    platform === 'android' ? new AndroidKeyStore(bridge) : new IosKeychainKeyStore(bridge);
  const binding = new DeviceBinding({
    keyStore,
    namespace: 'com.example.hermes',
    crypto: pureJsCrypto,
  });
  const sealed = await seal(binding, utf8Encode(TEXT), { context: 'file' });
  const opened = utf8Decode(await unseal(binding, sealed, { context: 'file' })) === TEXT;
  const calls = simulator.calls.filter((c) => c.method === 'decryptContent');
  // Flip one character of the ciphertext (the fourth part).
  const parts = sealed.split('.');
  const ct = parts[3]!;
  parts[3] = `${ct.slice(0, 10)}${ct[10] === 'A' ? 'B' : 'A'}${ct.slice(11)}`;
  let tamperedCode: string | undefined;
  try {
    await unseal(binding, parts.join('.'), { context: 'file' });
  } catch (err) {
    tamperedCode = (err as { code?: string }).code;
  }
  return {
    name,
    opened,
    decryptContentCalls: calls.length,
    ciphertextAsText: calls.length > 0 && typeof calls[0]!.params.ciphertext === 'string',
    tamperedCode,
  };
}

async function main(): Promise<ContentScenario[]> {
  // The polyfills module is imported for its effects (random bytes, TextEncoder); naming one
  // of its exports keeps bundlers from dropping it (the package is "sideEffects": false).
  if (nativeFeatures.webCrypto) throw new Error('expected an engine without WebCrypto');
  return [
    await scenario('android, text channel', 'android', {}),
    await scenario('ios, binary channel', 'ios', { binaryChannel: true }),
    await scenario('android, module without decryptContent', 'android', {
      contentDecryption: false,
    }),
  ];
}

main().then(
  (scenarios) => print(JSON.stringify({ ok: true, scenarios })),
  (err: { code?: string; message?: string; stack?: string }) =>
    print(JSON.stringify({ ok: false, code: err?.code, message: err?.message, stack: err?.stack })),
);
