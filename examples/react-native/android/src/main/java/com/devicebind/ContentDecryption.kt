// Bulk AES-GCM decryption for the bridge method `decryptContent`: the core recovers a content
// key (from the Keystore key's ECDH or RSA-OAEP result) and hands it here with the ciphertext,
// so large files decrypt at native speed instead of in JavaScript.
package com.devicebind

import java.security.GeneralSecurityException
import javax.crypto.Cipher
import javax.crypto.spec.GCMParameterSpec
import javax.crypto.spec.SecretKeySpec

object ContentDecryption {
    /** The largest ciphertext (with its tag) one call takes; advertised in getInfo. */
    const val MAX_BYTES = 64 * 1024 * 1024

    /**
     * AES-GCM with a 128-bit tag over [sealed] (ciphertext ‖ tag), `Cipher` "AES/GCM/NoPadding"
     * of the platform provider (javax.crypto.Cipher reference; GCMParameterSpec). The content
     * key is an ordinary key, not a Keystore one: it exists only for this call and is
     * overwritten after it. Every failure (a tag that does not verify included) is the one
     * name ContentDecryptionFailed, with no detail: the JS side turns it into its single
     * INVALID_ENVELOPE. Also the entry point of a binary channel (a JSI or Nitro module that
     * passes ArrayBuffers), which calls it with the bytes directly.
     */
    fun decrypt(key: ByteArray, iv: ByteArray, aad: ByteArray?, sealed: ByteArray): ByteArray {
        try {
            if ((key.size != 16 && key.size != 32) || iv.size != 12 || sealed.size < 16 || sealed.size > MAX_BYTES) {
                throw DevicebindException("InvalidParams", "parameter \"key\", \"iv\" or \"ciphertext\" is malformed")
            }
            val cipher = Cipher.getInstance("AES/GCM/NoPadding")
            cipher.init(Cipher.DECRYPT_MODE, SecretKeySpec(key, "AES"), GCMParameterSpec(128, iv))
            if (aad != null) cipher.updateAAD(aad)
            return cipher.doFinal(sealed)
        } catch (e: GeneralSecurityException) {
            throw DevicebindException("ContentDecryptionFailed", "the content could not be decrypted")
        } finally {
            key.fill(0)
        }
    }
}
