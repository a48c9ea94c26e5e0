// Strict readers for the JSON parameters of docs/bridge-protocol.md: anything missing or
// malformed is refused with InvalidParams, and bytes are unpadded base64url.
package com.devicebind

import android.util.Base64
import org.json.JSONObject

private val ALIAS = Regex("^[A-Za-z0-9._:-]{1,200}$")
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

    fun alias(): String = json.optString("alias").takeIf { ALIAS.matches(it) } ?: invalid("alias")

    fun choice(name: String, vararg allowed: String): String =
        json.optString(name).takeIf { it in allowed } ?: invalid(name)

    fun flag(name: String): Boolean = if (!json.has(name)) false else json.opt(name) as? Boolean ?: invalid(name)

    fun bytes(name: String, max: Int): ByteArray {
        val text = json.opt(name) as? String ?: invalid(name)
        if (!Regex("^[A-Za-z0-9_-]*$").matches(text)) invalid(name)
        val bytes = try { Base64.decode(text, URL_SAFE) } catch (e: IllegalArgumentException) { invalid(name) }
        if (bytes.size > max || base64url(bytes) != text) invalid(name)
        return bytes
    }

    fun optionalBytes(name: String, max: Int): ByteArray? = if (json.has(name)) bytes(name, max) else null

    fun userAuthentication(): UserAuthentication {
        val auth = json.optJSONObject("userAuthentication") ?: invalid("userAuthentication")
        val type = auth.optString("type").takeIf { it in listOf("none", "biometric", "biometric-or-device-credential") }
            ?: invalid("userAuthentication.type")
        val validity = (auth.opt("validitySeconds") as? Int)?.takeIf { it >= 0 } ?: invalid("userAuthentication.validitySeconds")
        val invalidate = auth.opt("invalidateOnNewEnrollment") as? Boolean ?: invalid("userAuthentication.invalidateOnNewEnrollment")
        return if (type == "none") UserAuthentication.NONE else UserAuthentication(type, validity, invalidate)
    }

    fun prompt(): PromptTexts? {
        val prompt = json.optJSONObject("prompt") ?: return null
        fun text(name: String) = if (prompt.has(name)) prompt.opt(name) as? String ?: invalid("prompt.$name") else null
        return PromptTexts(text("title"), text("subtitle"), text("description"), text("cancelLabel"))
    }

    fun int(name: String): Int = json.opt(name) as? Int ?: invalid(name)
}
