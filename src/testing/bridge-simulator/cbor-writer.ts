// A small CBOR writer (RFC 8949) for simulated App Attest objects and assertions: unsigned and
// negative integers, byte and text strings, arrays and maps, with minimal lengths.

import { concatBytes } from '../../core/bytes.js';
import { utf8Encode } from '../../core/utf8.js';

/** @internal A value the writer encodes. Map entries are written in the order given. */
export type CborValue = number | string | Uint8Array | readonly CborValue[] | CborMap;

/** @internal A map with its entries in the order to write them. */
export interface CborMap {
  readonly entries: readonly (readonly [number | string, CborValue])[];
}

function head(major: number, value: number): Uint8Array {
  const type = major << 5;
  if (value < 24) return Uint8Array.of(type | value);
  if (value < 0x100) return Uint8Array.of(type | 24, value);
  if (value < 0x10000) return Uint8Array.of(type | 25, value >> 8, value & 0xff);
  const out = new Uint8Array(5);
  out[0] = type | 26;
  new DataView(out.buffer).setUint32(1, value, false);
  return out;
}

/** @internal The CBOR encoding of `value`. */
export function encodeCbor(value: CborValue): Uint8Array {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = utf8Encode(value);
    return concatBytes(head(3, bytes.length), bytes);
  }
  if (value instanceof Uint8Array) return concatBytes(head(2, value.length), value);
  if (Array.isArray(value)) return concatBytes(head(4, value.length), ...value.map(encodeCbor));
  const { entries } = value as CborMap;
  return concatBytes(
    head(5, entries.length),
    ...entries.flatMap(([key, item]) => [encodeCbor(key), encodeCbor(item)]),
  );
}
