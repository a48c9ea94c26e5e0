// Ends Keystore operations the module started but will not use, so they do not hold one of
// the few operation slots (StrongBox has few) until the garbage collector finalises them.
package com.devicebind

import java.security.PublicKey
import java.security.Signature
import javax.crypto.Cipher
import javax.crypto.KeyAgreement

object KeyOperations {
    /**
     * Finishes [operation] and throws the result away. Keystore ends an operation when it is
     * finished, whether that succeeds or fails (a per-use key that was not authenticated fails
     * with "user not authenticated"), which frees its slot (Android Keystore: "Keystore
     * operations"; keystore2 drops an operation once finish returns).
     */
    fun end(operation: Any, ownPublicKey: PublicKey?) {
        try {
            when (operation) {
                is Signature -> operation.sign()
                is Cipher -> operation.doFinal()
                is KeyAgreement -> if (ownPublicKey != null) {
                    operation.doPhase(ownPublicKey, true)
                    operation.generateSecret()
                }
            }
        } catch (e: Exception) {
            // The failure itself is what ends the operation.
        }
    }
}
