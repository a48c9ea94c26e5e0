// Shows the BiometricPrompt a key operation needs and turns its outcome into the protocol's
// error names (BiometricPrompt.ERROR_USER_CANCELED, …, ERROR_LOCKOUT).
package com.devicebind

import androidx.biometric.BiometricManager.Authenticators.BIOMETRIC_STRONG
import androidx.biometric.BiometricManager.Authenticators.DEVICE_CREDENTIAL
import androidx.biometric.BiometricPrompt
import androidx.core.content.ContextCompat
import androidx.fragment.app.FragmentActivity
import kotlin.coroutines.resume
import kotlin.coroutines.resumeWithException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.withContext

/** The `prompt` parameter: texts shown in the prompt. */
data class PromptTexts(
    val title: String?,
    val subtitle: String?,
    val description: String?,
    val cancelLabel: String?,
)

object BiometricGate {
    /**
     * Authenticates the user for [policy]; with a [crypto] object the key is unlocked for this
     * one operation (per-use keys), without it the authentication opens the key's validity
     * window. Rejects with UserNotAuthenticatedException when no activity can show a prompt.
     */
    suspend fun authenticate(
        activity: FragmentActivity?,
        prompt: PromptTexts?,
        policy: UserAuthentication,
        crypto: BiometricPrompt.CryptoObject?,
    ) {
        if (activity == null || activity.isFinishing) {
            throw DevicebindException("UserNotAuthenticatedException", "no activity in the foreground to show a prompt")
        }
        withContext(Dispatchers.Main) {
            suspendCancellableCoroutine { continuation ->
                val allowed = if (policy.type == "biometric") BIOMETRIC_STRONG else BIOMETRIC_STRONG or DEVICE_CREDENTIAL
                val info = BiometricPrompt.PromptInfo.Builder()
                    .setTitle(prompt?.title ?: activity.applicationInfo.loadLabel(activity.packageManager))
                    .apply { prompt?.subtitle?.let { setSubtitle(it) } }
                    .apply { prompt?.description?.let { setDescription(it) } }
                    .setAllowedAuthenticators(allowed)
                    .apply {
                        // A negative button is only allowed when the device credential is not.
                        if (allowed and DEVICE_CREDENTIAL == 0) {
                            setNegativeButtonText(prompt?.cancelLabel ?: activity.getString(android.R.string.cancel))
                        }
                    }
                    .build()
                val callback = object : BiometricPrompt.AuthenticationCallback() {
                    override fun onAuthenticationSucceeded(result: BiometricPrompt.AuthenticationResult) {
                        if (continuation.isActive) continuation.resume(Unit)
                    }

                    override fun onAuthenticationError(errorCode: Int, errString: CharSequence) {
                        if (continuation.isActive) {
                            continuation.resumeWithException(DevicebindException(errorName(errorCode), errString.toString()))
                        }
                    }
                    // onAuthenticationFailed (a finger that does not match) keeps the prompt open.
                }
                val biometricPrompt = BiometricPrompt(activity, ContextCompat.getMainExecutor(activity), callback)
                if (crypto != null) biometricPrompt.authenticate(info, crypto) else biometricPrompt.authenticate(info)
                continuation.invokeOnCancellation { biometricPrompt.cancelAuthentication() }
            }
        }
    }

    private fun errorName(code: Int): String = when (code) {
        BiometricPrompt.ERROR_USER_CANCELED -> "BiometricPrompt.ERROR_USER_CANCELED"
        BiometricPrompt.ERROR_NEGATIVE_BUTTON -> "BiometricPrompt.ERROR_NEGATIVE_BUTTON"
        BiometricPrompt.ERROR_CANCELED -> "BiometricPrompt.ERROR_CANCELED"
        BiometricPrompt.ERROR_LOCKOUT -> "BiometricPrompt.ERROR_LOCKOUT"
        BiometricPrompt.ERROR_LOCKOUT_PERMANENT -> "BiometricPrompt.ERROR_LOCKOUT_PERMANENT"
        else -> "BiometricPrompt.ERROR_$code"
    }
}
