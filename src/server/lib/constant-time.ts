// String comparison whose time depends only on the lengths, for secrets such as nonces.

/** @internal Whether two strings are equal, comparing every code unit whatever differs. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
