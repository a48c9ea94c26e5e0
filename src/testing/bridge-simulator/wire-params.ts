// Strict readers for the parameters the simulated native side receives: like the reference
// native code, it refuses anything malformed with `InvalidParams`.

import { decodeBase64url, encodeBase64url } from '../../core/base64url.js';
import { NativeFailure } from './native-failure.js';

/** @internal The user-authentication policy as the protocol sends it. */
export interface WireUserAuthentication {
  readonly type: 'none' | 'biometric' | 'biometric-or-device-credential';
  readonly validitySeconds: number;
  readonly invalidateOnNewEnrollment: boolean;
}

const ALIAS = /^[A-Za-z0-9._:-]{1,200}$/;

function invalid(name: string): never {
  throw new NativeFailure('InvalidParams', `parameter "${name}" is missing or malformed`);
}

/** @internal The alias parameter. */
export function aliasParam(params: Record<string, unknown>): string {
  const alias = params.alias;
  if (typeof alias !== 'string' || !ALIAS.test(alias)) invalid('alias');
  return alias;
}

/** @internal A string parameter from a fixed set. */
export function enumParam<T extends string>(
  params: Record<string, unknown>,
  name: string,
  allowed: readonly T[],
): T {
  const value = params[name];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) invalid(name);
  return value as T;
}

/** @internal A boolean parameter; `fallback` when absent, if given. */
export function booleanParam(
  params: Record<string, unknown>,
  name: string,
  fallback?: boolean,
): boolean {
  // null is not "absent": the reference native code refuses it like any other non-boolean.
  const value = params[name] === undefined ? fallback : params[name];
  if (typeof value !== 'boolean') invalid(name);
  return value;
}

/** @internal A base64url parameter of at most `max` bytes. */
export function bytesParam(params: Record<string, unknown>, name: string, max: number): Uint8Array {
  const value = params[name];
  if (typeof value !== 'string') invalid(name);
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64url(value);
  } catch {
    return invalid(name);
  }
  if (bytes.length > max || encodeBase64url(bytes) !== value) invalid(name);
  return bytes;
}

/** @internal The optional prompt parameter. */
export function promptParam(params: Record<string, unknown>): Record<string, string> | undefined {
  const prompt = params.prompt;
  if (prompt === undefined) return undefined;
  if (typeof prompt !== 'object' || prompt === null || Array.isArray(prompt)) invalid('prompt');
  for (const value of Object.values(prompt)) if (typeof value !== 'string') invalid('prompt');
  return prompt as Record<string, string>;
}

/** @internal The userAuthentication parameter. */
export function userAuthenticationParam(params: Record<string, unknown>): WireUserAuthentication {
  const auth = params.userAuthentication;
  if (typeof auth !== 'object' || auth === null) invalid('userAuthentication');
  const { type, validitySeconds, invalidateOnNewEnrollment } = auth as Record<string, unknown>;
  if (type !== 'none' && type !== 'biometric' && type !== 'biometric-or-device-credential')
    invalid('userAuthentication.type');
  if (
    typeof validitySeconds !== 'number' ||
    !Number.isInteger(validitySeconds) ||
    validitySeconds < 0
  ) {
    invalid('userAuthentication.validitySeconds');
  }
  if (typeof invalidateOnNewEnrollment !== 'boolean')
    invalid('userAuthentication.invalidateOnNewEnrollment');
  return { type, validitySeconds, invalidateOnNewEnrollment };
}
