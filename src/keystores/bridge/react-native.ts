// The NativeBridge over a React Native native module (old or new architecture): the module's
// `call(method, paramsJson)` returns a promise of the JSON result. No React Native import.

import { mustBe } from '../../core/assert.js';
import { malformed } from './codec.js';
import type { NativeBridge } from './native-bridge.js';

/** What the devicebind React Native module offers (see `examples/react-native`). */
export interface ReactNativeDevicebindModule {
  /** Runs a bridge protocol method; `params` and the resolved value are JSON text. */
  call(method: string, params: string): Promise<string>;
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
  return {
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
}
