// Parses a JWE in compact (RFC 7516 §7.1) or flattened JSON (§7.2.2) serialization: the
// header first (so algorithm refusals come before anything else), then the binary parts.

import { assertBytes, mustBe } from '../assert.js';
import { parseJsonObject } from '../json.js';
import { utf8Decode } from '../utf8.js';
import { checkPart, decodePart, slowBase64 } from './decode-part.js';
import { malformed } from './failure.js';
import type { EnvelopeInput, FlattenedJwe } from './types.js';

/** A JWE with its protected header decoded and the other parts still as text. */
export interface ParsedJwe {
  /** The protected header exactly as sent (it is the AES-GCM AAD, RFC 7516 §5.1 step 14). */
  protectedB64: string;
  header: Record<string, unknown>;
  /** The encrypted key, iv, ciphertext and tag, base64url. */
  parts: readonly unknown[];
  /** Flattened only: the `aad` member as sent, or "" when there is none. */
  aadB64?: string;
}

/** The binary parts of a JWE, with the ciphertext and tag joined as AES-GCM reads them. */
export interface JweBody {
  encryptedKey: Uint8Array;
  iv: Uint8Array;
  /**
   * Ciphertext ‖ 16-byte tag; `undefined` where base64url decodes slowly (Hermes): the
   * ciphertext was checked, and is decoded only if native code cannot take it as text.
   */
  sealed: Uint8Array | undefined;
  /** The ciphertext as base64url text (checked). */
  ciphertext: string;
  tag: Uint8Array;
}

/** @internal Ciphertext ‖ tag of `body`, decoding the ciphertext if that was deferred. */
export function sealedOf(body: JweBody): Uint8Array {
  if (body.sealed !== undefined) return body.sealed;
  const sealed = decodePart(body.ciphertext, 'ciphertext', 16);
  sealed.set(body.tag, sealed.length - 16);
  return sealed;
}

const MAX_HEADER = 16384;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseHeader(protectedB64: unknown, parts: readonly unknown[], aadB64?: string): ParsedJwe {
  if (
    typeof protectedB64 !== 'string' ||
    protectedB64.length === 0 ||
    protectedB64.length > MAX_HEADER
  ) {
    malformed('protected header');
  }
  const text = utf8Decode(decodePart(protectedB64, 'protected header'));
  const header = text === undefined ? undefined : parseJsonObject(text);
  if (header === undefined) malformed('protected header');
  return { protectedB64, header, parts, aadB64 };
}

function parseFlattened(value: unknown): ParsedJwe {
  if (!isObject(value)) malformed('JSON');
  // Only the flattened form (no "recipients"), and every parameter integrity protected:
  // unprotected headers are refused outright.
  if ('recipients' in value) malformed('JSON (general serialization)');
  if ('header' in value || 'unprotected' in value) malformed('JSON (unprotected header)');
  const jwe = value as Partial<FlattenedJwe>;
  const { aad = '' } = jwe;
  if (typeof aad !== 'string' || (aad !== '' && decodePart(aad, 'aad').length === 0)) {
    malformed('aad');
  }
  return parseHeader(
    jwe.protected,
    [jwe.encrypted_key ?? '', jwe.iv, jwe.ciphertext, jwe.tag],
    aad,
  );
}

/**
 * The parts of a compact JWE, with its header parsed. The dots are found from both ends,
 * so the ciphertext (megabytes, maybe) is not scanned here: a dot inside it means more
 * than five parts, and {@link decodeBody} refuses it while decoding.
 */
function compactParts(envelope: string): ParsedJwe {
  const a = envelope.indexOf('.');
  const b = a < 0 ? -1 : envelope.indexOf('.', a + 1);
  const c = b < 0 ? -1 : envelope.indexOf('.', b + 1);
  const d = envelope.lastIndexOf('.');
  if (c < 0 || d <= c) malformed('compact form (five parts)');
  return parseHeader(envelope.slice(0, a), [
    envelope.slice(a + 1, b),
    envelope.slice(b + 1, c),
    envelope.slice(c + 1, d),
    envelope.slice(d + 1),
  ]);
}

/**
 * @internal Parses `envelope` (a compact JWE string, a flattened JWE object, that object's
 * JSON text, or the UTF-8 bytes of either text) as far as its protected header. Parsed
 * objects have no prototype: a member named `__proto__` is a member like any other.
 * @throws `INVALID_ARGUMENT` when `envelope` is none of these (an object without
 * `protected`); `INVALID_ENVELOPE` for any structural problem.
 */
export function parseJwe(envelope: EnvelopeInput): ParsedJwe {
  if (envelope instanceof Uint8Array || envelope instanceof ArrayBuffer) {
    const text = utf8Decode(assertBytes(envelope, 'envelope'));
    if (text === undefined) return malformed('UTF-8');
    envelope = text;
  }
  if (typeof envelope === 'string') {
    if (envelope.charCodeAt(0) === 123 /* { */) return parseFlattened(parseJsonObject(envelope));
    return compactParts(envelope);
  }
  // An object without "protected" is no JWE at all (say, the JSON the envelope came in).
  if (!isObject(envelope) || !('protected' in envelope)) {
    mustBe(
      'envelope',
      'a compact JWE, a flattened JWE object (with "protected"), or the text or bytes of either',
    );
  }
  return parseFlattened(envelope);
}

/**
 * @internal Decodes the encrypted key, iv, ciphertext and tag. Sizes are checked on the
 * text first, so a malformed envelope fails before any large decode: a 96-bit IV and a
 * 128-bit tag are the only sizes AES-GCM is used with here.
 * @throws `INVALID_ENVELOPE` naming the malformed part.
 */
export function decodeBody(jwe: ParsedJwe): JweBody {
  const [encryptedKey, iv, ciphertext, tag] = jwe.parts;
  if (typeof encryptedKey !== 'string') malformed('encrypted_key');
  if (typeof iv !== 'string' || iv.length !== 16) malformed('iv (96 bits)');
  if (typeof tag !== 'string' || tag.length !== 22) malformed('tag (128 bits)');
  if (typeof ciphertext !== 'string') malformed('ciphertext');
  const tagBytes = decodePart(tag, 'tag');
  let sealed: Uint8Array | undefined;
  try {
    // Where decoding is interpreted (Hermes), a large ciphertext is checked here and decoded
    // later only if no native decryptor takes it as text.
    if (slowBase64 && ciphertext.length >= 1024) checkPart(ciphertext, 'ciphertext');
    else sealed = decodePart(ciphertext, 'ciphertext', 16);
  } catch (err) {
    if (jwe.aadB64 === undefined && ciphertext.includes('.')) {
      malformed('compact form (five parts)');
    }
    throw err;
  }
  sealed?.set(tagBytes, sealed.length - 16);
  return {
    encryptedKey: decodePart(encryptedKey, 'encrypted_key'),
    iv: decodePart(iv, 'iv'),
    sealed,
    ciphertext,
    tag: tagBytes,
  };
}
