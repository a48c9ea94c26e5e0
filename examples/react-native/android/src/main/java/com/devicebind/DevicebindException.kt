// A failure of the devicebind native module, named as docs/bridge-protocol.md ("Errors")
// lists it; the React Native and Capacitor wrappers reject with `code`.
package com.devicebind

class DevicebindException(val code: String, message: String, cause: Throwable? = null) :
    Exception(message, cause)

/**
 * Exceptions whose simple class name is their protocol name, matched by fully qualified name.
 * Naming the classes themselves (`StrongBoxUnavailableException::class.java`) would load them,
 * and StrongBoxUnavailableException exists only from API 28: on API 24–27 that throws
 * NoClassDefFoundError the first time a failure is named (Android API reference,
 * "Added in API level 28").
 */
private val NAMED = setOf(
    "android.security.keystore.UserNotAuthenticatedException",
    "android.security.keystore.KeyPermanentlyInvalidatedException",
    "android.security.keystore.StrongBoxUnavailableException",
    "java.security.InvalidAlgorithmParameterException",
    "javax.crypto.BadPaddingException",
    "javax.crypto.IllegalBlockSizeException",
)

/** The named class [error] is or extends, if any (e.g. AEADBadTagException is a BadPaddingException). */
private fun namedClass(error: Throwable): String? {
    var type: Class<*>? = error.javaClass
    while (type != null) {
        if (type.name in NAMED) return type.simpleName
        type = type.superclass
    }
    return null
}

/**
 * The protocol name of any throwable: a DevicebindException keeps its code; Keystore wraps
 * some exceptions (e.g. StrongBoxUnavailableException in a ProviderException), so the cause
 * chain is searched for a named one; anything else is reported by class name and maps to
 * KEYSTORE_ERROR on the JS side. Never throws.
 */
fun protocolName(error: Throwable): String = try {
    var current: Throwable? = error
    var name: String? = null
    var depth = 0
    while (current != null && name == null && depth < 16) {
        name = if (current is DevicebindException) current.code else namedClass(current)
        current = current.cause
        depth += 1
    }
    name ?: error.javaClass.simpleName
} catch (e: Throwable) {
    "NativeError"
}
