// A small ASN.1 DER writer for the simulator: public keys (SubjectPublicKeyInfo) and the
// X.509 certificates of simulated Android key attestation.

import { concatBytes } from '../../core/bytes.js';
import { utf8Encode } from '../../core/utf8.js';

/** @internal One element: tag, minimal definite length, contents. */
export function derElement(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const body = concatBytes(...contents);
  const length = body.length;
  let header: Uint8Array;
  if (length < 0x80) header = Uint8Array.of(tag, length);
  else if (length < 0x100) header = Uint8Array.of(tag, 0x81, length);
  else if (length < 0x10000) header = Uint8Array.of(tag, 0x82, length >> 8, length & 0xff);
  else header = Uint8Array.of(tag, 0x83, length >> 16, (length >> 8) & 0xff, length & 0xff);
  return concatBytes(header, body);
}

/** @internal SEQUENCE. */
export const derSequence = (...contents: Uint8Array[]): Uint8Array => derElement(0x30, ...contents);

/** @internal SET (callers pass the members in DER order). */
export const derSet = (...contents: Uint8Array[]): Uint8Array => derElement(0x31, ...contents);

/** @internal Context-specific constructed tag [n], n ≤ 30. */
export const derExplicit = (n: number, ...contents: Uint8Array[]): Uint8Array =>
  derElement(0xa0 | n, ...contents);

/** @internal Big-endian bytes of a non-negative integer, minimal, with a sign byte when needed. */
export function integerBytes(value: bigint): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (Number.parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** @internal INTEGER. */
export const derInteger = (value: bigint | number): Uint8Array =>
  derElement(0x02, integerBytes(BigInt(value)));

/** @internal ENUMERATED. */
export const derEnumerated = (value: number): Uint8Array =>
  derElement(0x0a, integerBytes(BigInt(value)));

/** @internal OCTET STRING. */
export const derOctetString = (bytes: Uint8Array): Uint8Array => derElement(0x04, bytes);

/** @internal BIT STRING with no unused bits. */
export const derBitString = (bytes: Uint8Array): Uint8Array =>
  derElement(0x03, Uint8Array.of(0), bytes);

/** @internal NULL. */
export const derNull = (): Uint8Array => Uint8Array.of(0x05, 0x00);

/** @internal UTF8String. */
export const derUtf8String = (text: string): Uint8Array => derElement(0x0c, utf8Encode(text));

/** @internal UTCTime (years 1950–2049), `YYMMDDHHMMSSZ`. */
export function derUtcTime(ms: number): Uint8Array {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  const text = `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`;
  return derElement(0x17, utf8Encode(text));
}

/** @internal OBJECT IDENTIFIER from dotted form. */
export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const bytes: number[] = [arcs[0]! * 40 + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128))
      chunk.unshift((rest & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return derElement(0x06, Uint8Array.from(bytes));
}

/** @internal BOOLEAN. */
export const derBoolean = (value: boolean): Uint8Array =>
  Uint8Array.of(0x01, 0x01, value ? 0xff : 0);

/** @internal PrintableString (the caller keeps to its alphabet). */
export const derPrintableString = (text: string): Uint8Array => derElement(0x13, utf8Encode(text));

/** @internal Context-specific constructed tag [n] of any number (EXPLICIT), high-tag form above 30. */
export function derTagged(n: number, ...contents: Uint8Array[]): Uint8Array {
  if (n <= 30) return derExplicit(n, ...contents);
  const digits: number[] = [n & 0x7f];
  for (let rest = n >> 7; rest > 0; rest >>= 7) digits.unshift((rest & 0x7f) | 0x80);
  const inner = derElement(0, ...contents);
  // derElement wrote a one-byte tag; swap it for the multi-byte one.
  return concatBytes(Uint8Array.of(0xbf, ...digits), inner.subarray(1));
}
