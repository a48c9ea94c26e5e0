// A failure of the devicebind native module, named as docs/bridge-protocol.md ("Errors")
// lists it; the React Native and Capacitor wrappers reject with `code`.
package com.devicebind

import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.StrongBoxUnavailableException
import android.security.keystore.UserNotAuthenticatedException
import java.security.InvalidAlgorithmParameterException
import javax.crypto.BadPaddingException
import javax.crypto.IllegalBlockSizeException

class DevicebindException(val code: String, message: String, cause: Throwable? = null) :
    Exception(message, cause)

/** Exceptions whose simple class name is their protocol name. */
private val NAMED = listOf(
    UserNotAuthenticatedException::class.java,
    KeyPermanentlyInvalidatedException::class.java,
    StrongBoxUnavailableException::class.java,
    InvalidAlgorithmParameterException::class.java,
    BadPaddingException::class.java,
    IllegalBlockSizeException::class.java,
)

/**
 * The protocol name of any throwable: a DevicebindException keeps its code; Keystore wraps
 * some exceptions (e.g. StrongBoxUnavailableException in a ProviderException), so the
 * cause chain is searched for a named one; anything else is reported by class name and maps
 * to KEYSTORE_ERROR on the JS side.
 */
fun protocolName(error: Throwable): String {
    var current: Throwable? = error
    while (current != null) {
        if (current is DevicebindException) return current.code
        if (NAMED.any { it.isInstance(current) }) return current.javaClass.simpleName
        current = current.cause
    }
    return error.javaClass.simpleName
}
