// Deterministic test bytes made the same way in Node and in the page, so large payloads need
// not cross between them.

/** `length` bytes where byte i is (i * 31 + 7) & 255. */
export function patternBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 1) bytes[i] = (i * 31 + 7) & 255;
  return bytes;
}
