// JSON parsing for data from outside: every object is made without a prototype, so no
// member (`__proto__`, `constructor`, `prototype`) can reach, replace or shadow one.

/**
 * @internal The JSON object `text` holds, its objects (nested ones too) without prototype;
 * `undefined` when `text` is not JSON or not an object.
 */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    // Object.assign onto a prototype-less object defines "__proto__" as a plain member: the
    // setter it would call on an ordinary object does not exist there.
    value = JSON.parse(text, (_, member: unknown) =>
      typeof member === 'object' && member !== null && !Array.isArray(member)
        ? Object.assign(Object.create(null), member)
        : member,
    );
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
