// Builds JWEs by hand with node:crypto (an implementation independent of src/), for
// envelopes no library would make: chosen epk and shared secret, odd headers, edits.

import { type CipherGCM, createCipheriv, createHash } from 'node:crypto';

export function b64u(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString('base64url');
}

export function unb64u(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64url'));
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** RFC 7518 §4.6.2 Concat KDF, one SHA-256 round. */
export function concatKdfReference(
  z: Uint8Array,
  algorithmId: string,
  bytes: number,
  apu: Uint8Array = new Uint8Array(0),
  apv: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const id = Buffer.from(algorithmId);
  const hash = createHash('sha256')
    .update(u32(1))
    .update(z)
    .update(
      Buffer.concat([
        u32(id.length),
        id,
        u32(apu.length),
        apu,
        u32(apv.length),
        apv,
        u32(bytes * 8),
      ]),
    )
    .digest();
  return new Uint8Array(hash.subarray(0, bytes));
}

/** RFC 3394 AES key wrap. */
export function aesKeyWrapReference(kek: Uint8Array, key: Uint8Array): Uint8Array {
  const cipher = createCipheriv(
    `id-aes${kek.length * 8}-wrap`,
    kek,
    Buffer.from('A6A6A6A6A6A6A6A6', 'hex'),
  );
  return new Uint8Array(Buffer.concat([cipher.update(key), cipher.final()]));
}

/** AES-GCM encryption: ciphertext and 16-byte tag. */
export function gcmReference(
  key: Uint8Array,
  iv: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): { ciphertext: Uint8Array; tag: Uint8Array } {
  const cipher = createCipheriv(`aes-${key.length * 8}-gcm`, key, iv) as CipherGCM;
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext: new Uint8Array(ciphertext), tag: new Uint8Array(cipher.getAuthTag()) };
}

export interface EcdhEnvelopeInput {
  /** The ECDH shared secret the recipient will derive. */
  z: Uint8Array;
  /** Header parameters; must include alg, enc and epk. */
  header: Record<string, unknown>;
  plaintext: Uint8Array;
  /** Sets the flattened-serialization aad (authenticated, not included in the compact output). */
  aad?: Uint8Array;
}

const KEY_BYTES: Record<string, number> = {
  A128GCM: 16,
  A256GCM: 32,
  'ECDH-ES+A128KW': 16,
  'ECDH-ES+A256KW': 32,
};

/** An ECDH-ES (direct or +A*KW) envelope, compact, for a chosen shared secret. */
export function buildEcdhEnvelope({ z, header, plaintext, aad }: EcdhEnvelopeInput): string {
  const alg = header.alg as string;
  const enc = header.enc as string;
  const direct = alg === 'ECDH-ES';
  const party = (v: unknown) => (typeof v === 'string' ? unb64u(v) : new Uint8Array(0));
  const derived = concatKdfReference(
    z,
    direct ? enc : alg,
    KEY_BYTES[direct ? enc : alg]!,
    party(header.apu),
    party(header.apv),
  );
  const cek = direct
    ? derived
    : new Uint8Array(globalThis.crypto.getRandomValues(new Uint8Array(KEY_BYTES[enc]!)));
  const encryptedKey = direct ? new Uint8Array(0) : aesKeyWrapReference(derived, cek);
  return buildWithCek(header, cek, encryptedKey, plaintext, aad);
}

/** A compact JWE from its header, CEK and encrypted key. */
export function buildWithCek(
  header: Record<string, unknown>,
  cek: Uint8Array,
  encryptedKey: Uint8Array,
  plaintext: Uint8Array,
  aad?: Uint8Array,
): string {
  const protectedB64 = b64u(JSON.stringify(header));
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const gcmAad = Buffer.from(aad === undefined ? protectedB64 : `${protectedB64}.${b64u(aad)}`);
  const { ciphertext, tag } = gcmReference(cek, iv, plaintext, gcmAad);
  return [protectedB64, b64u(encryptedKey), b64u(iv), b64u(ciphertext), b64u(tag)].join('.');
}

/** The five parts of a compact JWE, decoded. */
export function splitCompact(jwe: string): Uint8Array[] {
  return jwe.split('.').map(unb64u);
}

/** Re-encodes five decoded parts as a compact JWE. */
export function joinCompact(parts: readonly Uint8Array[]): string {
  return parts.map((p) => b64u(p)).join('.');
}

/** The decoded protected header of a compact JWE. */
export function headerOf(jwe: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwe.split('.')[0]!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/** Replaces the protected header (keeping every other part), as an attacker would. */
export function withHeader(jwe: string, header: Record<string, unknown>): string {
  const parts = jwe.split('.');
  parts[0] = b64u(JSON.stringify(header));
  return parts.join('.');
}
