// The biometric canary: a per-use, biometric-only signing key made beside a key that Keystore
// does not invalidate on a new enrolment, so the module can report that enrolment anyway.
package com.devicebind

import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import java.security.KeyPairGenerator
import java.security.KeyStore
import java.security.PrivateKey
import java.security.Signature
import java.security.spec.ECGenParameterSpec

/**
 * Keystore binds a key that accepts the device credential (and, below API 30, any key with a
 * validity window) to the lock-screen secure user id, which a new enrolment does not change:
 * `setInvalidatedByBiometricEnrollment` applies only to keys that "are valid for biometric
 * authentication only" (KeyGenParameterSpec.Builder reference). A biometric-only key is bound
 * to the biometric ids instead, and Keystore invalidates it on an enrolment or when every
 * biometric is removed. The canary is such a key; initialising a signature with it (no prompt
 * needed for a per-use key) throws KeyPermanentlyInvalidatedException once it is invalidated.
 */
class EnrollmentCanary(private val keyStore: KeyStore) {
    companion object {
        /** Outside the module's alias prefix, so listAliases never shows a canary. */
        private const val PREFIX = "devicebind-canary:"
    }

    /** Makes the canary for [alias]; false when no class 3 biometric is enrolled to bind it to. */
    fun create(alias: String): Boolean = try {
        val builder = KeyGenParameterSpec.Builder(PREFIX + alias, KeyProperties.PURPOSE_SIGN)
            .setAlgorithmParameterSpec(ECGenParameterSpec("secp256r1"))
            .setDigests(KeyProperties.DIGEST_SHA256)
            .setUserAuthenticationRequired(true)
            .setInvalidatedByBiometricEnrollment(true)
        if (Build.VERSION.SDK_INT >= 30) {
            builder.setUserAuthenticationParameters(0, KeyProperties.AUTH_BIOMETRIC_STRONG)
        } else {
            @Suppress("DEPRECATION")
            builder.setUserAuthenticationValidityDurationSeconds(-1)
        }
        val generator = KeyPairGenerator.getInstance(KeyProperties.KEY_ALGORITHM_EC, "AndroidKeyStore")
        generator.initialize(builder.build())
        generator.generateKeyPair()
        true
    } catch (e: Exception) {
        // InvalidAlgorithmParameterException / IllegalStateException: no biometric enrolled.
        delete(alias)
        false
    }

    /**
     * Throws KeyPermanentlyInvalidatedException (the protocol name) when the canary of [alias]
     * was invalidated or is gone: either way the enrolled biometrics are not those the key was
     * made under.
     */
    fun check(alias: String) {
        val key = keyStore.getKey(PREFIX + alias, null) as? PrivateKey
            ?: throw DevicebindException("KeyPermanentlyInvalidatedException", "the biometric canary is gone")
        val signature = Signature.getInstance("SHA256withECDSA")
        try {
            signature.initSign(key)
        } catch (e: KeyPermanentlyInvalidatedException) {
            throw DevicebindException("KeyPermanentlyInvalidatedException", "the enrolled biometrics changed", e)
        }
        KeyOperations.end(signature, null)
    }

    fun delete(alias: String) {
        try {
            keyStore.deleteEntry(PREFIX + alias)
        } catch (e: Exception) {
            // Nothing to delete.
        }
    }
}
