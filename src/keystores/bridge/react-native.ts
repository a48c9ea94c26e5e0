// The NativeBridge over a React Native native module (old or new architecture): the module's
// `call(method, paramsJson)` returns a promise of the JSON result. No React Native import.

import { mustBe } from '../../core/assert.js';
import { malformed } from './codec.js';
import type { NativeBridge } from './native-bridge.js';

/** What the devicebind React Native module offers (see `examples/react-native`). */
export interface ReactNativeDevicebindModule {
  /** Runs a bridge protocol method; `params` and the resolved value are JSON text. */
  call(method: string, params: string): Promise<string>;
  /**
   * Optional binary channel, for modules that can take and return an `ArrayBuffer` (a JSI
   * host object, a C++ TurboModule, a Nitro module): runs `method` with JSON text `params`
   * and `data`, and resolves with the raw bytes of the result (`decryptContent`: the plaintext).
   */
  callBytes?(method: string, params: string, data: ArrayBuffer): Promise<ArrayBuffer>;
}

/**
 * Wraps the devicebind React Native module as a {@link NativeBridge}. Parameters and results
 * cross as JSON text, so both native sides share one code path for every method; rejections
 * keep the native error `code` the module rejected with.
 *
 * @throws `INVALID_ARGUMENT` when `module` has no `call` function (the native module is not linked).
 * @example
 * ```ts
 * import { NativeModules } from 'react-native';
 * import { AndroidKeyStore, reactNativeBridge } from 'devicebind/keystores/android';
 *
 * const keyStore = new AndroidKeyStore(reactNativeBridge(NativeModules.Devicebind));
 * ```
 */
export function reactNativeBridge(
  module: ReactNativeDevicebindModule | null | undefined,
): NativeBridge {
  if (typeof module !== 'object' || module === null || typeof module.call !== 'function') {
    mustBe('module', 'the Devicebind native module (is the native package linked?)');
  }
  const bridge: NativeBridge = {
    async call(method, params) {
      const text = await module.call(method, JSON.stringify(params));
      if (typeof text !== 'string') malformed(`answer to "${method}" (not JSON text)`);
      try {
        return JSON.parse(text) as unknown;
      } catch (err) {
        return malformed(`answer to "${method}" (not JSON)`, err);
      }
    },
  };
  const callBytes = module.callBytes;
  if (typeof callBytes !== 'function') return bridge;
  return {
    ...bridge,
    async callBytes(method, params, data) {
      const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
      const buffer = (whole ? data : data.slice()).buffer as ArrayBuffer;
      const answer: unknown = await callBytes.call(module, method, JSON.stringify(params), buffer);
      if (!(answer instanceof ArrayBuffer)) malformed(`answer to "${method}" (not an ArrayBuffer)`);
      return new Uint8Array(answer);
    },
  };
}
