// Strict readers for the JSON parameters of docs/bridge-protocol.md: anything missing or
// malformed is refused with InvalidParams, and bytes are unpadded base64url. Members are read
// by type (json.opt(name) as? T), never with optString/optInt/optJSONObject, which coerce:
// optString turns 5 into "5" and null into "null", optJSONObject ignores a prompt that is a
// string (org.json JSONObject reference).
package com.devicebind

import android.util.Base64
import org.json.JSONObject

private val ALIAS = Regex("^[A-Za-z0-9._:-]{1,200}$")
private val BASE64URL = Regex("^[A-Za-z0-9_-]*$")
private const val URL_SAFE = Base64.URL_SAFE or Base64.NO_PADDING or Base64.NO_WRAP

fun base64url(bytes: ByteArray): String = Base64.encodeToString(bytes, URL_SAFE)

/** The `userAuthentication` parameter and key metadata. */
data class UserAuthentication(val type: String, val validitySeconds: Int, val invalidateOnNewEnrollment: Boolean) {
    fun toJson(): JSONObject = JSONObject()
        .put("type", type)
        .put("validitySeconds", validitySeconds)
        .put("invalidateOnNewEnrollment", invalidateOnNewEnrollment)

    companion object {
        val NONE = UserAuthentication("none", 0, false)

        fun fromJson(json: JSONObject?): UserAuthentication = if (json == null) NONE else UserAuthentication(
            json.getString("type"),
            json.getInt("validitySeconds"),
            json.getBoolean("invalidateOnNewEnrollment"),
        )
    }
}

class WireParams(private val json: JSONObject) {
    private fun invalid(name: String): Nothing = throw DevicebindException("InvalidParams", "parameter \"$name\" is missing or malformed")

    /** The member [name] when present and of type [T]; null when absent; InvalidParams otherwise (null included). */
    private inline fun <reified T> optional(source: JSONObject, name: String, label: String = name): T? {
        if (!source.has(name)) return null
        return source.opt(name) as? T ?: invalid(label)
    }

    private inline fun <reified T> required(source: JSONObject, name: String, label: String = name): T =
        optional<T>(source, name, label) ?: invalid(label)

    fun alias(): String = required<String>(json, "alias").takeIf { ALIAS.matches(it) } ?: invalid("alias")

    fun choice(name: String, vararg allowed: String): String =
        required<String>(json, name).takeIf { it in allowed } ?: invalid(name)

    fun flag(name: String): Boolean = optional<Boolean>(json, name) ?: false

    fun bytes(name: String, max: Int): ByteArray = decode(required<String>(json, name), name, max)

    fun optionalBytes(name: String, max: Int): ByteArray? = optional<String>(json, name)?.let { decode(it, name, max) }

    private fun decode(text: String, name: String, max: Int): ByteArray {
        // Refuse oversized input before decoding it.
        if (text.length > (max * 4 + 2) / 3 || !BASE64URL.matches(text)) invalid(name)
        val bytes = try { Base64.decode(text, URL_SAFE) } catch (e: IllegalArgumentException) { invalid(name) }
        if (bytes.size > max || base64url(bytes) != text) invalid(name)
        return bytes
    }

    fun userAuthentication(): UserAuthentication {
        val auth = required<JSONObject>(json, "userAuthentication")
        val type = required<String>(auth, "type", "userAuthentication.type")
            .takeIf { it in listOf("none", "biometric", "biometric-or-device-credential") }
            ?: invalid("userAuthentication.type")
        // org.json reads 1.5 as a Double and true as a Boolean: neither is an Int.
        val validity = required<Int>(auth, "validitySeconds", "userAuthentication.validitySeconds")
            .takeIf { it >= 0 } ?: invalid("userAuthentication.validitySeconds")
        val invalidate = required<Boolean>(auth, "invalidateOnNewEnrollment", "userAuthentication.invalidateOnNewEnrollment")
        return if (type == "none") UserAuthentication.NONE else UserAuthentication(type, validity, invalidate)
    }

    fun prompt(): PromptTexts? {
        val prompt = optional<JSONObject>(json, "prompt") ?: return null
        fun text(name: String) = optional<String>(prompt, name, "prompt.$name")
        return PromptTexts(text("title"), text("subtitle"), text("description"), text("cancelLabel"))
    }

    fun int(name: String): Int = required<Int>(json, name)
}
