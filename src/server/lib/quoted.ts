// Shows a value from untrusted input in an error: cut short, and JSON-quoted in messages, so
// a message stays one readable line whatever the sender put in the token.

const MAX_SHOWN = 120;

/** @internal `value` cut to about 120 characters, with "…" when it was longer. */
export function clipped(value: string): string {
  return value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
}

/** @internal {@link clipped} `value` as a JSON string literal, for a message. */
export function quoted(value: string): string {
  return JSON.stringify(clipped(value));
}
