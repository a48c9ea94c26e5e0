// Recovers an envelope's content encryption key (CEK) with the device key: ECDH in the
// store, then Concat KDF and AES key unwrap here; or RSA-OAEP decryption in the store.

import { wipe } from '../bytes.js';
import { DeviceBindingError, fail } from '../errors.js';
import { concatKdf } from './concat-kdf.js';
import { openFailed } from './failure.js';
import type { ResolvedHeader } from './resolve-header.js';
import type { EnvelopeKey } from './types.js';

function isUnwrapFailure(err: unknown): boolean {
  // A store reports a bad ciphertext as KEYSTORE_ERROR (or INVALID_ARGUMENT, or a raw error
  // from a bridge); those depend on the envelope. Anything else (cancelled prompt, missing
  // or invalidated key, timeout) is about the key or the user and is passed on.
  return (
    !(err instanceof DeviceBindingError) ||
    err.code === 'KEYSTORE_ERROR' ||
    err.code === 'INVALID_ARGUMENT'
  );
}

async function sharedSecret(key: EnvelopeKey, h: ResolvedHeader): Promise<Uint8Array> {
  let z: unknown;
  let cause: unknown;
  try {
    z = await key.keyStore.deriveSharedSecret(key.info.alias, h.epk!, key.operationOptions);
  } catch (err) {
    // The point was validated already; a store refusing it anyway is refusing the envelope.
    if (err instanceof DeviceBindingError && err.code === 'INVALID_ARGUMENT') openFailed();
    if (err instanceof DeviceBindingError) throw err;
    cause = err;
  }
  // A malformed result is not kept as the cause: it may be secret material.
  if (!(z instanceof Uint8Array) || z.length !== 32) {
    fail('KEYSTORE_ERROR', 'the key store failed to derive the ECDH shared secret', cause);
  }
  return z;
}

/**
 * @internal The CEK of an envelope whose header passed {@link resolveHeader}. When the key
 * unwrap or RSA decryption fails, or yields a key of the wrong length, it returns a random
 * key instead, so the caller goes on to fail in AES-GCM exactly like any other bad
 * envelope (RFC 7516 §11.5: no unwrap or padding oracle).
 * @throws whatever the store throws about the key itself (`KEY_NOT_FOUND`,
 * `USER_CANCELLED`, …); `KEYSTORE_ERROR` for a malformed shared secret.
 */
export async function recoverContentKey(
  key: EnvelopeKey,
  h: ResolvedHeader,
  encryptedKey: Uint8Array,
): Promise<Uint8Array> {
  const { crypto } = key;
  const length = h.ce.keyLength;
  let cek: Uint8Array | undefined;
  if (h.km.keyOperation === 'agree') {
    const z = await sharedSecret(key, h);
    const kekLength = h.km.kekLength;
    // AlgorithmID is `enc` for direct agreement, `alg` for key wrapping (RFC 7518 §4.6.2).
    const derived = await concatKdf(
      crypto,
      z,
      kekLength === undefined ? h.ce.enc : h.km.alg,
      kekLength ?? length,
      h.apu,
      h.apv,
    );
    wipe(z);
    if (kekLength === undefined) return derived;
    cek = await crypto.aesKeyUnwrap(derived, encryptedKey).catch(() => undefined);
    wipe(derived);
  } else {
    cek = await key.keyStore
      .decrypt(key.info.alias, encryptedKey, key.operationOptions)
      .catch((err: unknown) => {
        if (isUnwrapFailure(err)) return undefined;
        throw err;
      });
  }
  if (!(cek instanceof Uint8Array) || cek.length !== length) {
    if (cek instanceof Uint8Array) wipe(cek);
    cek = crypto.randomBytes(length);
  }
  return cek;
}
