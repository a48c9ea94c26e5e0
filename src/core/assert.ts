// One family of argument asserters: each checks one argument at the boundary and returns it,
// so the same mistake gets the same words everywhere: `"<name>" must be <what>`.

import { fail } from './errors.js';

/** @internal Throws `INVALID_ARGUMENT` with the message `"<name>" must be <what>`. */
export function mustBe(name: string, what: string, cause?: unknown): never {
  return fail('INVALID_ARGUMENT', `"${name}" must be ${what}`, cause);
}

/** @internal `value` when it is a non-null object (not an array). @throws `INVALID_ARGUMENT` */
export function assertObject<T>(value: T, name = 'options'): T & object {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    mustBe(name, 'an object');
  return value as T & object;
}

/** @internal `value` when it is a string of 1 to `max` characters. @throws `INVALID_ARGUMENT` */
export function assertString(value: unknown, name: string, max = Number.POSITIVE_INFINITY): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max)
    mustBe(
      name,
      max === Number.POSITIVE_INFINITY ? 'a non-empty string' : `a string of 1–${max} characters`,
    );
  return value;
}

/** @internal `value` when it is a function. @throws `INVALID_ARGUMENT` */
// biome-ignore lint/complexity/noBannedTypes: any callable is accepted, the caller narrows it.
export function assertFunction<T extends Function>(value: unknown, name: string): T {
  if (typeof value !== 'function') mustBe(name, 'a function');
  return value as T;
}

/**
 * @internal The bytes of `value`: a Uint8Array as it is, an ArrayBuffer (or another typed
 * array or DataView) viewed without copying. `what` names what else the caller accepts.
 * @throws `INVALID_ARGUMENT`
 */
export function assertBytes(
  value: unknown,
  name: string,
  what = 'a Uint8Array or an ArrayBuffer',
): Uint8Array<ArrayBuffer> {
  if (value instanceof Uint8Array) return value as Uint8Array<ArrayBuffer>;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value))
    return new Uint8Array(value.buffer as ArrayBuffer, value.byteOffset, value.byteLength);
  return mustBe(name, what);
}

/** @internal Bounds and default of a numeric option. */
export interface NumberRange {
  /** Smallest accepted value. */
  min: number;
  /** Largest accepted value. */
  max: number;
  /** The value when the option is left out; without one, the option is required. */
  fallback?: number;
  /** The unit named in the message, e.g. `seconds`. */
  unit?: string;
  /** Whether only integers are accepted. */
  integer?: boolean;
}

/**
 * @internal `value` (or `range.fallback` when it is undefined) when it is a finite number
 * within the range. @throws `INVALID_ARGUMENT` "must be a number of seconds from 1 to 86400"
 */
export function assertNumber(value: unknown, name: string, range: NumberRange): number {
  if (value === undefined && range.fallback !== undefined) return range.fallback;
  const { min, max, unit, integer = false } = range;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    const kind = integer ? 'an integer' : 'a number';
    mustBe(name, `${kind}${unit === undefined ? '' : ` of ${unit}`} from ${min} to ${max}`);
  }
  return value;
}

/**
 * @internal The time `value` names, in milliseconds since the epoch: a valid Date or a finite
 * number of milliseconds; `undefined` is the system clock. @throws `INVALID_ARGUMENT`
 */
export function assertTime(value: unknown, name: string): number {
  if (value === undefined) return Date.now();
  if (value instanceof Date && Number.isFinite(value.getTime())) return value.getTime();
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return mustBe(name, 'a Date or milliseconds since the epoch');
}
