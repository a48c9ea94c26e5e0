// The transport between the JS adapters and native key-store code, and the constants of the
// bridge protocol (docs/bridge-protocol.md): version, method names, platforms.

/**
 * The one function a native module offers to the Android and iOS adapters: it runs a protocol
 * method with JSON parameters and resolves with its JSON result. On failure it rejects with
 * an error whose string `code` names the native error (e.g. `KeyPermanentlyInvalidatedException`,
 * `errSecUserCanceled`); see `docs/bridge-protocol.md`.
 *
 * Use `reactNativeBridge()` or `capacitorBridge()` to get one from a framework module, or
 * `createBridgeSimulator()` from `devicebind/testing` in tests.
 *
 * @example
 * ```ts
 * const bridge: NativeBridge = {
 *   call: async (method, params) => JSON.parse(await MyModule.call(method, JSON.stringify(params))),
 * };
 * ```
 */
export interface NativeBridge {
  /** Runs protocol `method` (e.g. `sign`) with its parameters; resolves with the method's result. */
  call(method: string, params: Record<string, unknown>): Promise<unknown>;
  /**
   * Optional binary channel for bulk data (JSI or TurboModule modules that pass
   * `ArrayBuffer`s): runs `method` with `params` (JSON values) and `data` as raw bytes, and
   * resolves with the raw bytes of the result, so bulk data is never base64url text. Used
   * for `decryptContent` when present. See `docs/bridge-protocol.md`, "Binary channel".
   */
  callBytes?(
    method: string,
    params: Record<string, unknown>,
    data: Uint8Array,
  ): Promise<Uint8Array>;
}

/** The bridge protocol version this SDK speaks. */
export const BRIDGE_PROTOCOL_VERSION = 1;

/** The methods of bridge protocol version 1. */
export type BridgeMethod =
  | 'getInfo'
  | 'generateKey'
  | 'getKey'
  | 'sign'
  | 'agree'
  | 'decrypt'
  | 'deleteKey'
  | 'listAliases'
  | 'setAttestation'
  | 'decryptContent';

/** @internal Every method of the protocol, for validation and tests. */
export const BRIDGE_METHODS: readonly BridgeMethod[] = [
  'getInfo',
  'generateKey',
  'getKey',
  'sign',
  'agree',
  'decrypt',
  'deleteKey',
  'listAliases',
  'setAttestation',
  'decryptContent',
];

/** The platform on the native side of a bridge. */
export type BridgePlatform = 'android' | 'ios';

/** @internal Whether `value` looks like a {@link NativeBridge}. */
export function isNativeBridge(value: unknown): value is NativeBridge {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { call?: unknown }).call === 'function'
  );
}
