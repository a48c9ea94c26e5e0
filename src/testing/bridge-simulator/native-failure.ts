// How the simulated native side fails: like a React Native or Capacitor rejection, an Error
// whose `code` is the native error name (docs/bridge-protocol.md, "Errors").

/**
 * A rejection from the simulated native side, carrying the native error name as `code`.
 * Custom bridges in tests can throw it to act like native code.
 *
 * @example
 * ```ts
 * const bridge: NativeBridge = {
 *   call: async () => {
 *     throw new NativeFailure('errSecUserCanceled');
 *   },
 * };
 * ```
 */
export class NativeFailure extends Error {
  /** The native error name, e.g. `KeyPermanentlyInvalidatedException` or `errSecUserCanceled`. */
  readonly code: string;

  constructor(code: string, message: string = code) {
    super(message);
    this.name = 'NativeFailure';
    this.code = code;
  }
}
