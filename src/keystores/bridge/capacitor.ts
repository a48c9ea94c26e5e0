// The NativeBridge over a Capacitor plugin: the plugin's `call({ method, params })` resolves
// with `{ result }`, both as JSON text. No Capacitor import.

import { mustBe } from '../../core/assert.js';
import { malformed, readMember } from './codec.js';
import type { NativeBridge } from './native-bridge.js';

/** What the devicebind Capacitor plugin offers. */
export interface CapacitorDevicebindPlugin {
  /** Runs a bridge protocol method; `params` and `result` are JSON text. */
  call(options: { method: string; params: string }): Promise<{ result: string }>;
}

/**
 * Wraps the devicebind Capacitor plugin as a {@link NativeBridge}. Capacitor plugin methods
 * take and return one object, so the JSON text travels in `params` and `result`; rejections
 * (`call.reject(message, code)`) keep their `code`.
 *
 * @throws `INVALID_ARGUMENT` when `plugin` has no `call` function.
 * @example
 * ```ts
 * import { registerPlugin } from '@capacitor/core';
 * import { IosKeychainKeyStore, capacitorBridge } from 'devicebind/keystores/ios';
 *
 * const keyStore = new IosKeychainKeyStore(capacitorBridge(registerPlugin('Devicebind')));
 * ```
 */
export function capacitorBridge(
  plugin: CapacitorDevicebindPlugin | null | undefined,
): NativeBridge {
  if (typeof plugin !== 'object' || plugin === null || typeof plugin.call !== 'function') {
    mustBe('plugin', 'the Devicebind Capacitor plugin (is it registered?)');
  }
  return {
    async call(method, params) {
      const answer: unknown = await plugin.call({ method, params: JSON.stringify(params) });
      const text =
        typeof answer === 'object' && answer !== null
          ? readMember(answer as Record<string, unknown>, 'result')
          : undefined;
      if (typeof text !== 'string') malformed(`answer to "${method}" (no JSON text in "result")`);
      try {
        return JSON.parse(text) as unknown;
      } catch (err) {
        return malformed(`answer to "${method}" (not JSON)`, err);
      }
    },
  };
}
