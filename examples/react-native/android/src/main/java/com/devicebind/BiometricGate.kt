// Shows the BiometricPrompt a key operation needs and turns its outcome into the protocol's
// error names (BiometricPrompt.ERROR_USER_CANCELED, …, ERROR_LOCKOUT).
package com.devicebind

import android.os.Build
import androidx.biometric.BiometricManager.Authenticators.BIOMETRIC_STRONG
import androidx.biometric.BiometricManager.Authenticators.BIOMETRIC_WEAK
import androidx.biometric.BiometricManager.Authenticators.DEVICE_CREDENTIAL
import androidx.biometric.BiometricPrompt
import androidx.core.content.ContextCompat
import androidx.fragment.app.FragmentActivity
import androidx.lifecycle.Lifecycle
import kotlin.coroutines.resume
import kotlin.coroutines.resumeWithException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout

/** The `prompt` parameter: texts shown in the prompt. */
data class PromptTexts(
    val title: String?,
    val subtitle: String?,
    val description: String?,
    val cancelLabel: String?,
)

object BiometricGate {
    /**
     * How long a prompt may stay unanswered before the module gives up: a backstop for a
     * prompt that never calls back, just under the JS adapter's default interactive timeout
     * (180 s), so JS gets USER_AUTHENTICATION_REQUIRED rather than TIMEOUT.
     */
    private const val BACKSTOP_MS = 170_000L

    /**
     * Authenticates the user for [policy]; with a [crypto] object the key is unlocked for this
     * one operation (per-use keys), without it the authentication opens the key's validity
     * window. Rejects with UserNotAuthenticatedException when no prompt can be shown now.
     */
    suspend fun authenticate(
        activity: FragmentActivity?,
        prompt: PromptTexts?,
        policy: UserAuthentication,
        crypto: BiometricPrompt.CryptoObject?,
    ) {
        try {
            withTimeout(BACKSTOP_MS) {
                withContext(Dispatchers.Main) { showPrompt(activity, prompt, policy, crypto) }
            }
        } catch (e: TimeoutCancellationException) {
            throw DevicebindException("UserNotAuthenticatedException", "the prompt was not answered in time", e)
        }
    }

    /** Runs on the main thread: the lifecycle checks and BiometricPrompt both need it. */
    private suspend fun showPrompt(
        activity: FragmentActivity?,
        prompt: PromptTexts?,
        policy: UserAuthentication,
        crypto: BiometricPrompt.CryptoObject?,
    ) {
        // BiometricPrompt.authenticate after onSaveInstanceState only logs and never calls back
        // (androidx.biometric BiometricPrompt: "Unable to start authentication. Called after
        // onSaveInstanceState()"), so a stopped activity is refused here, at once.
        if (activity == null || activity.isFinishing || activity.isDestroyed ||
            activity.supportFragmentManager.isStateSaved ||
            !activity.lifecycle.currentState.isAtLeast(Lifecycle.State.STARTED)
        ) {
            throw DevicebindException("UserNotAuthenticatedException", "no activity in the foreground to show a prompt")
        }
        val allowed = authenticators(policy)
        val info = BiometricPrompt.PromptInfo.Builder()
            .setTitle(prompt?.title ?: activity.applicationInfo.loadLabel(activity.packageManager))
            .apply { prompt?.subtitle?.let { setSubtitle(it) } }
            .apply { prompt?.description?.let { setDescription(it) } }
            .setAllowedAuthenticators(allowed)
            .apply {
                // A negative button is only allowed when the device credential is not
                // (PromptInfo.Builder.setNegativeButtonText).
                if (allowed and DEVICE_CREDENTIAL == 0) {
                    setNegativeButtonText(prompt?.cancelLabel ?: activity.getString(android.R.string.cancel))
                }
            }
            .build()
        val mainExecutor = ContextCompat.getMainExecutor(activity)
        suspendCancellableCoroutine<Unit> { continuation ->
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
            val biometricPrompt = BiometricPrompt(activity, mainExecutor, callback)
            if (crypto != null) biometricPrompt.authenticate(info, crypto) else biometricPrompt.authenticate(info)
            // The cancellation handler may run on any thread; BiometricPrompt wants the main one.
            continuation.invokeOnCancellation { mainExecutor.execute { biometricPrompt.cancelAuthentication() } }
        }
    }

    /**
     * The authenticators the prompt allows. androidx.biometric refuses BIOMETRIC_STRONG |
     * DEVICE_CREDENTIAL on API 28–29 (PromptInfo.Builder.setAllowedAuthenticators: "not
     * supported prior to API 30"), and only time-bound keys accept the credential there, so
     * below API 30 the prompt allows BIOMETRIC_WEAK | DEVICE_CREDENTIAL. A class 2 biometric
     * does not open a Keystore validity window: the module then reports
     * UserNotAuthenticatedException when it initialises the key again.
     */
    private fun authenticators(policy: UserAuthentication): Int = when {
        policy.type == "biometric" -> BIOMETRIC_STRONG
        Build.VERSION.SDK_INT >= 30 -> BIOMETRIC_STRONG or DEVICE_CREDENTIAL
        else -> BIOMETRIC_WEAK or DEVICE_CREDENTIAL
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
