// The one error type of the SDK: a stable machine-readable code, a message that says what
// to do next, and the underlying error as `cause`.

/**
 * Every code a {@link DeviceBindingError} can carry. Codes are stable across minor versions.
 *
 * - `INVALID_ARGUMENT`: an argument has the wrong type or shape; the message names it.
 * - `KEY_NOT_FOUND`: no key under that alias (never generated, or deleted).
 * - `KEY_INVALIDATED`: the platform invalidated the key (e.g. new biometric enrolment).
 * - `KEY_UNAVAILABLE`: a key is recorded but cannot be loaded (corrupt or unavailable storage).
 * - `USER_CANCELLED`: the user dismissed an authentication prompt.
 * - `USER_AUTHENTICATION_REQUIRED`: the key needs a fresh user authentication first.
 * - `AUTHENTICATION_FAILED`: the user failed to authenticate.
 * - `LOCKED_OUT`: biometrics are locked out after too many attempts.
 * - `UNSUPPORTED_ALGORITHM`: the algorithm or key type is not allowed or not supported here.
 * - `KEYSTORE_ERROR`: the key store (or its native bridge) failed or returned malformed data.
 * - `TIMEOUT`: a key-store or bridge call did not answer in time.
 * - `PROTOCOL_MISMATCH`: the native bridge speaks another protocol version.
 * - `CRYPTO_UNAVAILABLE`: no WebCrypto here; pass the pure-JS backend as `crypto`.
 * - `INVALID_HANDSHAKE`: a handshake token failed verification.
 * - `INVALID_PROOF`: a DPoP request proof failed verification.
 * - `REPLAYED`: a proof's `jti` was seen before.
 * - `REPLAY_CHECK_FAILED`: the replay cache could not say whether a proof is new (it failed,
 *   or is full of live ids); the proof is refused. Answer 503: the client may retry later.
 * - `NONCE_REQUIRED`: the server requires a (fresh) nonce; retry with the `DPoP-Nonce` it sent.
 * - `INVALID_ENVELOPE`: an envelope, stream or sealed value could not be opened.
 */
export type DeviceBindingErrorCode =
  | 'INVALID_ARGUMENT'
  | 'KEY_NOT_FOUND'
  | 'KEY_INVALIDATED'
  | 'KEY_UNAVAILABLE'
  | 'USER_CANCELLED'
  | 'USER_AUTHENTICATION_REQUIRED'
  | 'AUTHENTICATION_FAILED'
  | 'LOCKED_OUT'
  | 'UNSUPPORTED_ALGORITHM'
  | 'KEYSTORE_ERROR'
  | 'TIMEOUT'
  | 'PROTOCOL_MISMATCH'
  | 'CRYPTO_UNAVAILABLE'
  | 'INVALID_HANDSHAKE'
  | 'INVALID_PROOF'
  | 'REPLAYED'
  | 'REPLAY_CHECK_FAILED'
  | 'NONCE_REQUIRED'
  | 'INVALID_ENVELOPE';

const BRAND: unique symbol = Symbol.for('devicebind.DeviceBindingError');

/** Options accepted by the {@link DeviceBindingError} constructor. */
export interface DeviceBindingErrorOptions {
  /** The underlying error, kept for debugging. Never contains key material. */
  cause?: unknown;
}

/**
 * The error every devicebind operation rejects with.
 *
 * @example
 * ```ts
 * try {
 *   await binding.signRequest({ method: 'GET', url });
 * } catch (err) {
 *   if (err instanceof DeviceBindingError && err.code === 'KEY_INVALIDATED') {
 *     await binding.unbind(); // then sign in again and send a new handshake
 *   }
 * }
 * ```
 */
export class DeviceBindingError extends Error {
  /** A stable, machine-readable code. */
  readonly code: DeviceBindingErrorCode;

  constructor(
    code: DeviceBindingErrorCode,
    message: string,
    options: DeviceBindingErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeviceBindingError';
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * Whether `value` is a DeviceBindingError. The ESM and CommonJS builds (or two installed
   * copies) each define this class; a brand keeps `instanceof` true for errors from any of them.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true
    );
  }
}

/** Whether `value` is a {@link DeviceBindingError}, optionally with the given code. */
export function isDeviceBindingError(
  value: unknown,
  code?: DeviceBindingErrorCode,
): value is DeviceBindingError {
  return value instanceof DeviceBindingError && (code === undefined || value.code === code);
}

/** @internal Shorthand used across the SDK. */
export function fail(code: DeviceBindingErrorCode, message: string, cause?: unknown): never {
  throw new DeviceBindingError(code, message, { cause });
}

/** @internal Throws `INVALID_ARGUMENT` with the message `"<name>" must be <what>`. */
export function mustBe(name: string, what: string, cause?: unknown): never {
  return fail('INVALID_ARGUMENT', `"${name}" must be ${what}`, cause);
}

/** @internal Returns `value` when it is a non-null object. @throws `INVALID_ARGUMENT` naming `name` */
export function objectArg<T>(value: T, name = 'options'): T & object {
  if (typeof value !== 'object' || value === null) mustBe(name, 'an object');
  return value as T & object;
}

/**
 * @internal `err` itself when it is a DeviceBindingError, else one with `code` and `message`
 * that keeps `err` as its `cause`.
 */
export function asDeviceBindingError(
  err: unknown,
  code: DeviceBindingErrorCode,
  message: string,
): DeviceBindingError {
  return err instanceof DeviceBindingError
    ? err
    : new DeviceBindingError(code, message, { cause: err });
}

/** @internal Runs `operation`; what it throws is rethrown through {@link asDeviceBindingError}. */
export async function wrapErrors<T>(
  code: DeviceBindingErrorCode,
  message: string,
  operation: () => Promise<T>,
): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw asDeviceBindingError(err, code, message);
  }
}
