// A minimal, strict ASN.1 DER reader: enough to check the public keys (SubjectPublicKeyInfo)
// and certificates native code returns. Definite, minimal lengths only (X.690 §10.1).

/** @internal One DER element: its tag, contents, and the offset just after it. */
export interface DerElement {
  readonly tag: number;
  readonly contents: Uint8Array;
  readonly end: number;
}

/** @internal Reading stopped at malformed DER. */
export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

/** @internal Reads the element at `offset`. Only single-byte tags are supported. */
export function readDerElement(bytes: Uint8Array, offset = 0): DerElement {
  if (offset + 2 > bytes.length) throw new DerError('truncated element');
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not supported');
  let length = bytes[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 3) throw new DerError('unsupported length form');
    if (start + count > bytes.length) throw new DerError('truncated length');
    if (bytes[start] === 0) throw new DerError('non-minimal length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[start + i]!;
    if (length < 0x80) throw new DerError('non-minimal length');
    start += count;
  }
  const end = start + length;
  if (end > bytes.length) throw new DerError('truncated contents');
  return { tag, contents: bytes.subarray(start, end), end };
}

/** @internal Reads an element that must fill `bytes` exactly and carry `tag`. */
export function readWholeDer(bytes: Uint8Array, tag: number): Uint8Array {
  const element = readDerElement(bytes, 0);
  if (element.tag !== tag) throw new DerError('unexpected tag');
  if (element.end !== bytes.length) throw new DerError('trailing bytes');
  return element.contents;
}

/** @internal The children of a constructed element's contents, in order. */
export function readDerChildren(contents: Uint8Array): DerElement[] {
  const children: DerElement[] = [];
  for (let offset = 0; offset < contents.length; ) {
    const child = readDerElement(contents, offset);
    children.push(child);
    offset = child.end;
  }
  return children;
}

/**
 * @internal The magnitude of a non-negative DER INTEGER, without the sign byte. Refuses
 * negative and non-minimal encodings.
 */
export function readDerUnsignedInteger(element: DerElement): Uint8Array {
  const value = element.contents;
  if (element.tag !== 0x02 || value.length === 0) throw new DerError('not an INTEGER');
  if (value[0]! & 0x80) throw new DerError('negative INTEGER');
  if (value.length > 1 && value[0] === 0 && !(value[1]! & 0x80))
    throw new DerError('non-minimal INTEGER');
  return value[0] === 0 && value.length > 1 ? value.subarray(1) : value;
}
