// Strict readers for what native code sends back over the bridge: every value is checked for
// type, encoding and size, and anything unexpected becomes KEYSTORE_ERROR, never a crash.
// Members are read only when they are the object's own: an answer's prototype (a custom
// bridge's object, or `__proto__` in parsed JSON) never supplies a value.

import { decodeBase64url } from '../../core/base64url.js';
import { fail } from '../../core/errors.js';

/** @internal Rejects a malformed native answer. @throws `KEYSTORE_ERROR` always */
export function malformed(what: string, cause?: unknown): never {
  return fail(
    'KEYSTORE_ERROR',
    `the native key store returned a malformed ${what}; make sure the native module matches this SDK's bridge protocol`,
    cause,
  );
}

/** @internal The own member `name` of `obj`, or undefined (inherited members do not count). */
export function readMember(obj: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(obj, name) ? obj[name] : undefined;
}

/** @internal A plain JSON object (not an array, not null). */
export function readObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) malformed(what);
  return value as Record<string, unknown>;
}

/** @internal A string member matching `pattern`. */
export function readString(
  obj: Record<string, unknown>,
  name: string,
  what: string,
  pattern: RegExp,
): string {
  const value = readMember(obj, name);
  if (typeof value !== 'string' || !pattern.test(value)) malformed(`${what}.${name}`);
  return value;
}

/** @internal One of the allowed string values. */
export function readEnum<T extends string>(
  obj: Record<string, unknown>,
  name: string,
  what: string,
  allowed: readonly T[],
): T {
  const value = readMember(obj, name);
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    malformed(`${what}.${name}`);
  }
  return value as T;
}

/** @internal A boolean member. */
export function readBoolean(obj: Record<string, unknown>, name: string, what: string): boolean {
  const value = readMember(obj, name);
  if (typeof value !== 'boolean') malformed(`${what}.${name}`);
  return value;
}

/** @internal An integer member within [min, max]. */
export function readInteger(
  obj: Record<string, unknown>,
  name: string,
  what: string,
  min: number,
  max: number,
): number {
  const value = readMember(obj, name);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    malformed(`${what}.${name}`);
  }
  return value;
}

/** @internal Decodes canonical unpadded base64url of an allowed length. */
export function decodeNativeBytes(
  value: unknown,
  what: string,
  min: number,
  max: number,
): Uint8Array {
  // A base64url string of max bytes needs ceil(max * 4 / 3) characters; refuse longer input
  // before decoding it.
  if (typeof value !== 'string' || value.length > Math.ceil((max * 4) / 3)) malformed(what);
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64url(value, what);
  } catch (err) {
    return malformed(what, err);
  }
  if (bytes.length < min || bytes.length > max) malformed(what);
  return bytes;
}

/** @internal A base64url member of an allowed byte length. */
export function readBytes(
  obj: Record<string, unknown>,
  name: string,
  what: string,
  min: number,
  max: number,
): Uint8Array {
  return decodeNativeBytes(readMember(obj, name), `${what}.${name}`, min, max);
}
