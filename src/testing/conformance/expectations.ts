// How checks judge a store: a failure type carrying the reason, a skip signal, and helpers
// that call the store and turn what it does into a verdict.

import type { DeviceBindingErrorCode } from '../../core/errors.js';

/** @internal A check failed; the message says what the store did and what the contract expects. */
export class ConformanceFailure extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ConformanceFailure';
  }
}

/** @internal A check does not apply to this store; the message says why. */
export class CheckSkipped extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CheckSkipped';
  }
}

// A typed record, so the compiler reports any code added to the union but missing here.
const KNOWN_CODES: Readonly<Record<DeviceBindingErrorCode, true>> = {
  INVALID_ARGUMENT: true,
  KEY_NOT_FOUND: true,
  KEY_INVALIDATED: true,
  KEY_UNAVAILABLE: true,
  USER_CANCELLED: true,
  USER_AUTHENTICATION_REQUIRED: true,
  AUTHENTICATION_FAILED: true,
  LOCKED_OUT: true,
  UNSUPPORTED_ALGORITHM: true,
  KEYSTORE_ERROR: true,
  TIMEOUT: true,
  PROTOCOL_MISMATCH: true,
  CRYPTO_UNAVAILABLE: true,
  INVALID_HANDSHAKE: true,
  INVALID_PROOF: true,
  REPLAYED: true,
  REPLAY_CHECK_FAILED: true,
  NONCE_REQUIRED: true,
  NONCE_UNREADABLE: true,
  INVALID_ENVELOPE: true,
  ATTESTATION_FAILED: true,
  ROTATION_CONFLICT: true,
  INVALID_ROTATION: true,
};

/**
 * @internal Whether `value` is a DeviceBindingError with a known code. Judged by shape, not
 * `instanceof`: an adapter may load its own copy of the class (another bundle, a CommonJS
 * build next to an ESM one), and that is still the same error type.
 */
export function deviceBindingErrorCode(value: unknown): DeviceBindingErrorCode | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { name, code, message } = value as { name?: unknown; code?: unknown; message?: unknown };
  if (name !== 'DeviceBindingError' || typeof message !== 'string' || typeof code !== 'string') {
    return undefined;
  }
  return Object.hasOwn(KNOWN_CODES, code) ? (code as DeviceBindingErrorCode) : undefined;
}

/** @internal A short description of a thrown value, for failure messages. */
export function describeThrown(value: unknown): string {
  if (typeof value === 'object' && value !== null) {
    const { name, code, message } = value as { name?: unknown; code?: unknown; message?: unknown };
    const label = typeof name === 'string' ? name : 'object';
    const codePart = typeof code === 'string' ? ` ${code}` : '';
    const text = typeof message === 'string' ? `: ${message}` : '';
    return `${label}${codePart}${text}`.slice(0, 240);
  }
  return `a thrown ${typeof value} (${String(value).slice(0, 60)})`;
}

/** @internal Fails the check with `message` unless `condition` holds. */
export function ensure(condition: boolean, message: string): asserts condition {
  if (!condition) throw new ConformanceFailure(message);
}

/**
 * @internal Calls the store and returns what it resolved to. A synchronous throw or a
 * rejection fails the check, naming the call.
 */
export async function attempt<T>(what: string, call: () => Promise<T>): Promise<T> {
  let pending: Promise<T>;
  try {
    pending = call();
  } catch (err) {
    throw new ConformanceFailure(
      `${what} threw synchronously (${describeThrown(err)}); contract methods must return a promise`,
      err,
    );
  }
  try {
    return await pending;
  } catch (err) {
    if (err instanceof ConformanceFailure || err instanceof CheckSkipped) throw err;
    throw new ConformanceFailure(`${what} failed: ${describeThrown(err)}`, err);
  }
}

/**
 * @internal Expects the call to reject with a DeviceBindingError whose code is one of
 * `codes` (any code when `codes` is empty). Resolving, throwing synchronously, rejecting
 * with anything else, or with another code fails the check.
 */
export async function expectRejection(
  what: string,
  call: () => Promise<unknown>,
  codes: readonly DeviceBindingErrorCode[],
): Promise<DeviceBindingErrorCode> {
  const expected = codes.length === 0 ? 'a DeviceBindingError' : codes.join(' or ');
  let pending: Promise<unknown>;
  try {
    pending = call();
  } catch (err) {
    throw new ConformanceFailure(
      `${what} threw synchronously (${describeThrown(err)}); it must return a promise that rejects with ${expected}`,
      err,
    );
  }
  let outcome: { ok: true } | { ok: false; error: unknown };
  try {
    await pending;
    outcome = { ok: true };
  } catch (err) {
    outcome = { ok: false, error: err };
  }
  if (outcome.ok)
    throw new ConformanceFailure(`${what} succeeded; it must reject with ${expected}`);
  const code = deviceBindingErrorCode(outcome.error);
  if (code === undefined) {
    throw new ConformanceFailure(
      `${what} rejected with ${describeThrown(outcome.error)}; every failure must be a DeviceBindingError (expected ${expected})`,
      outcome.error,
    );
  }
  if (codes.length > 0 && !codes.includes(code)) {
    throw new ConformanceFailure(
      `${what} rejected with ${code}; expected ${expected}`,
      outcome.error,
    );
  }
  return code;
}
