// Makes a compact JWE addressed to a public encryption key on the client, without jose:
// the format `openEnvelope` reads, used to seal data to the device's own key.

import type { ContentEncryptionEntry, KeyManagementEntry } from '../algorithms.js';
import { encodeBase64url } from '../base64url.js';
import { wipe } from '../bytes.js';
import type { CryptoBackend } from '../crypto-backend.js';
import { fail } from '../errors.js';
import type { PublicJwk } from '../jwk.js';
import { utf8Encode } from '../utf8.js';
import { concatKdf } from './concat-kdf.js';

// The OAEP digest of each RSA `alg` (RFC 7518 §4.3): SHA-1 for RSA-OAEP, SHA-256 for RSA-OAEP-256.
const OAEP_HASH: Readonly<Record<string, 'SHA-256' | 'SHA-1'>> = {
  'RSA-OAEP-256': 'SHA-256',
  'RSA-OAEP': 'SHA-1',
};

interface WrappedKey {
  header: Record<string, unknown>;
  cek: Uint8Array;
  encryptedKey: Uint8Array;
}

async function wrapContentKey(
  crypto: CryptoBackend,
  km: KeyManagementEntry,
  ce: ContentEncryptionEntry,
  publicKey: PublicJwk,
): Promise<WrappedKey> {
  const header: Record<string, unknown> = { alg: km.alg, enc: ce.enc };
  if (km.keyOperation === 'agree') {
    if (publicKey.kty !== 'EC') fail('UNSUPPORTED_ALGORITHM', `${km.alg} needs a P-256 public key`);
    const { ephemeralPublicKey: epk, sharedSecret } = await crypto.ecdhEphemeral(publicKey);
    header.epk = { kty: 'EC', crv: 'P-256', x: epk.x, y: epk.y };
    const kekLength = km.kekLength;
    const derived = await concatKdf(
      crypto,
      sharedSecret,
      kekLength === undefined ? ce.enc : km.alg,
      kekLength ?? ce.keyLength,
      new Uint8Array(0),
      new Uint8Array(0),
    );
    wipe(sharedSecret);
    if (kekLength === undefined) return { header, cek: derived, encryptedKey: new Uint8Array(0) };
    const cek = crypto.randomBytes(ce.keyLength);
    const encryptedKey = await crypto.aesKeyWrap(derived, cek);
    wipe(derived);
    return { header, cek, encryptedKey };
  }
  if (publicKey.kty !== 'RSA') fail('UNSUPPORTED_ALGORITHM', `${km.alg} needs an RSA public key`);
  const cek = crypto.randomBytes(ce.keyLength);
  return {
    header,
    cek,
    encryptedKey: await crypto.rsaOaepEncrypt(publicKey, OAEP_HASH[km.alg]!, cek),
  };
}

/**
 * @internal Encrypts `plaintext` to `publicKey` as a compact JWE with `km` and `ce`. When
 * `aad` is given it is authenticated as in the flattened serialization (AES-GCM AAD =
 * protected header ‖ "." ‖ base64url(aad)) but left out of the output: the opener supplies
 * it again.
 */
export async function encryptToKey(
  crypto: CryptoBackend,
  km: KeyManagementEntry,
  ce: ContentEncryptionEntry,
  publicKey: PublicJwk,
  plaintext: Uint8Array,
  aad?: Uint8Array,
): Promise<string> {
  const { header, cek, encryptedKey } = await wrapContentKey(crypto, km, ce, publicKey);
  try {
    const protectedB64 = encodeBase64url(utf8Encode(JSON.stringify(header)));
    const iv = crypto.randomBytes(12);
    const gcmKey = await crypto.importAesGcmKey(cek);
    const additionalData = utf8Encode(
      aad === undefined ? protectedB64 : `${protectedB64}.${encodeBase64url(aad)}`,
    );
    const sealed = await crypto.aesGcmEncrypt(gcmKey, iv, plaintext, additionalData);
    const tagAt = sealed.length - 16;
    return [
      protectedB64,
      encodeBase64url(encryptedKey),
      encodeBase64url(iv),
      encodeBase64url(sealed.subarray(0, tagAt)),
      encodeBase64url(sealed.subarray(tagAt)),
    ].join('.');
  } finally {
    wipe(cek);
  }
}
