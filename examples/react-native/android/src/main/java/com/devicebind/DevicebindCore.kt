// The Android side of the devicebind bridge protocol (docs/bridge-protocol.md, version 1):
// JSON text in, JSON text out, over Android Keystore. Framework-free; DevicebindModule wraps
// it for React Native (a Capacitor plugin would wrap it the same way).
package com.devicebind

import android.app.KeyguardManager
import android.content.Context
import android.content.pm.PackageManager
import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyInfo
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import android.security.keystore.UserNotAuthenticatedException
import android.util.Base64
import androidx.biometric.BiometricManager
import androidx.biometric.BiometricPrompt
import androidx.fragment.app.FragmentActivity
import java.security.KeyFactory
import java.security.KeyPairGenerator
import java.security.KeyStore
import java.security.PrivateKey
import java.security.PublicKey
import java.security.Signature
import java.security.spec.ECGenParameterSpec
import java.security.spec.MGF1ParameterSpec
import java.security.spec.X509EncodedKeySpec
import javax.crypto.Cipher
import javax.crypto.KeyAgreement
import javax.crypto.spec.OAEPParameterSpec
import javax.crypto.spec.PSource
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import org.json.JSONArray
import org.json.JSONException
import org.json.JSONObject

class DevicebindCore(private val context: Context) {
    companion object {
        const val PROTOCOL_VERSION = 1

        /** Keystore aliases of this module's keys start with it; listAliases shows no others. */
        private const val PREFIX = "devicebind:"
        private const val PROBE_ALIAS = "devicebind-hardware-probe"

        /** DER of SubjectPublicKeyInfo for a P-256 key, up to the 65-byte point. */
        val P256_SPKI_PREFIX = byteArrayOf(
            0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86.toByte(), 0x48, 0xce.toByte(), 0x3d, 0x02, 0x01,
            0x06, 0x08, 0x2a, 0x86.toByte(), 0x48, 0xce.toByte(), 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
        )
    }

    private val keyStore: KeyStore = KeyStore.getInstance("AndroidKeyStore").apply { load(null) }

    /** What Keystore does not report back: the policy as asked, creation time, StrongBox, attestation, canary. */
    private val metadata = context.getSharedPreferences("devicebind.keys", Context.MODE_PRIVATE)
    private val canary = EnrollmentCanary(keyStore)
    private val generating = Mutex()
    private val hardwareBacked: Boolean by lazy { probeHardware() }

    /** One protocol call: [method] with [paramsJson]; returns the JSON result text. */
    suspend fun call(method: String, paramsJson: String, activity: FragmentActivity?): String {
        val json = try {
            JSONObject(paramsJson)
        } catch (e: JSONException) {
            throw DevicebindException("InvalidParams", "the parameters are not a JSON object", e)
        }
        val params = WireParams(json)
        val result: Any = when (method) {
            "getInfo" -> getInfo()
            "generateKey" -> generateKey(params)
            "getKey" -> getKey(params.alias()) ?: JSONObject.NULL
            "sign" -> sign(params, activity)
            "agree" -> agree(params, activity)
            "decrypt" -> decrypt(params, activity)
            "deleteKey" -> JSONObject().put("deleted", deleteKey(params.alias()))
            "listAliases" -> JSONObject().put("aliases", JSONArray(listAliases()))
            "decryptContent" -> JSONObject().put("plaintext", base64url(decryptContent(params)))
            else -> throw DevicebindException("UnknownMethod", "no method \"$method\"")
        }
        return if (result == JSONObject.NULL) "null" else result.toString()
    }

    private fun biometricsEnrolled(): Boolean = BiometricManager.from(context)
        .canAuthenticate(BiometricManager.Authenticators.BIOMETRIC_STRONG) == BiometricManager.BIOMETRIC_SUCCESS

    private fun getInfo(): JSONObject {
        val keyguard = context.getSystemService(KeyguardManager::class.java)
        val strongBox = Build.VERSION.SDK_INT >= 28 &&
            context.packageManager.hasSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE)
        return JSONObject()
            .put("protocolVersion", PROTOCOL_VERSION)
            .put("platform", "android")
            .put("apiLevel", Build.VERSION.SDK_INT)
            .put("hardwareBacked", hardwareBacked)
            .put("strongBox", strongBox)
            .put("deviceSecure", keyguard.isDeviceSecure)
            .put("biometrics", biometricsEnrolled())
            // Optional in the protocol: adapters decrypt content here when this is present.
            .put("contentDecryption", JSONObject().put("maxBytes", ContentDecryption.MAX_BYTES))
    }

    /**
     * `decryptContent` with everything base64url in the JSON parameters: the text channel, or
     * the binary channel called with empty data (JS then sends an envelope's ciphertext as the
     * text it already is, and this side decodes it). A binary channel with data calls
     * ContentDecryption.decrypt with the bytes directly.
     */
    fun decryptContent(params: WireParams): ByteArray = ContentDecryption.decrypt(
        params.bytes("key", 32),
        params.bytes("iv", 12),
        params.optionalBytes("aad", 64 * 1024),
        params.bytes("ciphertext", ContentDecryption.MAX_BYTES) + params.bytes("tag", 16),
    )

    private suspend fun generateKey(params: WireParams): JSONObject = generating.withLock {
        val alias = params.alias()
        val existing = load(alias)
        if (existing != null) return@withLock JSONObject().put("created", false).put("key", record(existing))
        // A key without metadata (the process died between the two) or metadata without a key
        // is no key: clear both and make a new one.
        forget(alias)
        val purpose = params.choice("purpose", "sign", "encrypt")
        val algorithm = params.choice("algorithm", "ES256", "ECDH-ES", "RSA-OAEP", "RSA-OAEP-256", "EdDSA")
        if (algorithm == "EdDSA") throw DevicebindException("UnsupportedAlgorithm", "Keystore makes no Ed25519 keys here")
        if ((purpose == "sign") != (algorithm == "ES256")) throw DevicebindException("InvalidParams", "purpose and algorithm disagree")
        if (algorithm == "ECDH-ES" && Build.VERSION.SDK_INT < 31) {
            throw DevicebindException("UnsupportedAlgorithm", "PURPOSE_AGREE_KEY needs API 31")
        }
        // Before API 35 Keystore's OAEP uses MGF1 with SHA-1 whatever the digest: not RSA-OAEP-256.
        if (algorithm == "RSA-OAEP-256" && Build.VERSION.SDK_INT < 35) {
            throw DevicebindException("UnsupportedAlgorithm", "MGF1 with SHA-256 needs API 35")
        }
        val auth = params.userAuthentication()
        checkPolicy(algorithm, auth)
        val isRsa = algorithm.startsWith("RSA")
        val modulusLength = if (isRsa) params.int("modulusLength").also {
            if (it !in listOf(2048, 3072, 4096)) throw DevicebindException("InvalidParams", "parameter \"modulusLength\" is malformed")
        } else 256
        val strongBox = params.flag("strongBox")
        if (strongBox) checkStrongBox(algorithm, modulusLength)
        val challenge = params.optionalBytes("attestationChallenge", 128)

        val entryAlias = PREFIX + alias
        val builder = when (algorithm) {
            "ES256" -> KeyGenParameterSpec.Builder(entryAlias, KeyProperties.PURPOSE_SIGN)
                .setAlgorithmParameterSpec(ECGenParameterSpec("secp256r1"))
                .setDigests(KeyProperties.DIGEST_SHA256)
            "ECDH-ES" -> agreeKeyBuilder(entryAlias)
            else -> KeyGenParameterSpec.Builder(entryAlias, KeyProperties.PURPOSE_DECRYPT)
                .setKeySize(modulusLength)
                .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_RSA_OAEP)
                .setDigests(if (algorithm == "RSA-OAEP") KeyProperties.DIGEST_SHA1 else KeyProperties.DIGEST_SHA256)
                .apply { if (algorithm == "RSA-OAEP-256") mgf1Sha256(this) }
        }
        if (auth.type != "none") {
            builder.setUserAuthenticationRequired(true)
            if (Build.VERSION.SDK_INT >= 30) {
                val types = if (auth.type == "biometric") {
                    KeyProperties.AUTH_BIOMETRIC_STRONG
                } else {
                    KeyProperties.AUTH_BIOMETRIC_STRONG or KeyProperties.AUTH_DEVICE_CREDENTIAL
                }
                builder.setUserAuthenticationParameters(auth.validitySeconds, types)
            } else {
                @Suppress("DEPRECATION")
                builder.setUserAuthenticationValidityDurationSeconds(if (auth.validitySeconds == 0) -1 else auth.validitySeconds)
            }
            builder.setInvalidatedByBiometricEnrollment(auth.invalidateOnNewEnrollment)
        }
        if (strongBox && Build.VERSION.SDK_INT >= 28) builder.setIsStrongBoxBacked(true)
        if (challenge != null) builder.setAttestationChallenge(challenge)

        val generator = KeyPairGenerator.getInstance(
            if (isRsa) KeyProperties.KEY_ALGORITHM_RSA else KeyProperties.KEY_ALGORITHM_EC,
            "AndroidKeyStore",
        )
        try {
            generator.initialize(builder.build())
            generator.generateKeyPair()
        } catch (e: Exception) {
            // StrongBoxUnavailableException sometimes arrives wrapped in a ProviderException.
            throw DevicebindException(protocolName(e), "key generation failed", e)
        }
        // Keystore ignores setInvalidatedByBiometricEnrollment for keys that accept the device
        // credential: a biometric canary reports the enrolment instead (EnrollmentCanary).
        val withCanary = auth.type == "biometric-or-device-credential" && auth.invalidateOnNewEnrollment &&
            biometricsEnrolled() && canary.create(alias)
        val meta = JSONObject()
            .put("purpose", purpose)
            .put("algorithm", algorithm)
            .put("userAuthentication", auth.toJson())
            .put("createdAt", System.currentTimeMillis())
            .put("strongBox", strongBox)
            .put("attested", challenge != null)
            .put("canary", withCanary)
        // commit(), not apply(): the key and its metadata exist together before we answer
        // (SharedPreferences.Editor.commit writes synchronously and reports failure).
        if (!metadata.edit().putString(alias, meta.toString()).commit()) {
            forget(alias)
            throw DevicebindException("KeystoreError", "the key metadata could not be saved")
        }
        val key = load(alias) ?: throw DevicebindException("KeyNotFound", "the new key is gone")
        JSONObject().put("created", true).put("key", record(key))
    }

    private fun agreeKeyBuilder(entryAlias: String): KeyGenParameterSpec.Builder {
        if (Build.VERSION.SDK_INT < 31) throw DevicebindException("UnsupportedAlgorithm", "PURPOSE_AGREE_KEY needs API 31")
        return KeyGenParameterSpec.Builder(entryAlias, KeyProperties.PURPOSE_AGREE_KEY)
            .setAlgorithmParameterSpec(ECGenParameterSpec("secp256r1"))
    }

    private fun mgf1Sha256(builder: KeyGenParameterSpec.Builder) {
        if (Build.VERSION.SDK_INT >= 35) builder.setMgf1Digests(KeyProperties.DIGEST_SHA256)
    }

    /**
     * StrongBox holds RSA keys of 2048 bits only and digests SHA-256 only (Android Keystore,
     * "StrongBox KeyMint"; the CTS passes StrongBox only DIGEST_NONE and DIGEST_SHA256). Other
     * kinds fail as a ProviderException, not StrongBoxUnavailableException, so the adapter's TEE
     * fallback would never run: the module raises the protocol's name itself.
     */
    private fun checkStrongBox(algorithm: String, modulusLength: Int) {
        val present = Build.VERSION.SDK_INT >= 28 &&
            context.packageManager.hasSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE)
        val fits = !algorithm.startsWith("RSA") || (modulusLength == 2048 && algorithm != "RSA-OAEP")
        if (!present || !fits) throw DevicebindException("StrongBoxUnavailableException", "StrongBox cannot hold this key")
    }

    private fun checkPolicy(algorithm: String, auth: UserAuthentication) {
        if (auth.type == "none") return
        val perUse = auth.validitySeconds == 0
        // Before API 30 a per-use key accepts only biometrics, and a time-bound key any unlock.
        if (Build.VERSION.SDK_INT < 30 && (if (perUse) auth.type != "biometric" else auth.type == "biometric")) {
            throw DevicebindException("UnsupportedAlgorithm", "this authentication policy needs API 30")
        }
        if (algorithm == "ECDH-ES" && perUse) {
            throw DevicebindException("UnsupportedAlgorithm", "BiometricPrompt cannot authorize a KeyAgreement for each use")
        }
    }

    private class LoadedKey(val alias: String, val privateKey: PrivateKey, val publicKey: PublicKey, val meta: JSONObject) {
        val algorithm: String = meta.getString("algorithm")
        val auth = UserAuthentication.fromJson(meta.optJSONObject("userAuthentication"))
        val hasCanary: Boolean = meta.optBoolean("canary")
    }

    /** The key under [alias] with its metadata; null unless both exist. */
    private fun load(alias: String): LoadedKey? {
        val privateKey = keyStore.getKey(PREFIX + alias, null) as? PrivateKey ?: return null
        val publicKey = keyStore.getCertificate(PREFIX + alias)?.publicKey ?: return null
        val meta = metadata.getString(alias, null)?.let { JSONObject(it) } ?: return null
        return LoadedKey(alias, privateKey, publicKey, meta)
    }

    private fun loadFor(params: WireParams, vararg algorithms: String): LoadedKey {
        val alias = params.alias()
        val key = load(alias) ?: throw DevicebindException("KeyNotFound", "no key under this alias")
        if (key.algorithm !in algorithms) throw DevicebindException("IncompatibleKey", "the key was not made for this operation")
        return key
    }

    private fun record(key: LoadedKey): JSONObject {
        val entryAlias = PREFIX + key.alias
        val info = KeyFactory.getInstance(key.privateKey.algorithm, "AndroidKeyStore")
            .getKeySpec(key.privateKey, KeyInfo::class.java)
        val level = securityLevel(info, key.meta.optBoolean("strongBox"))
        val record = JSONObject()
            .put("alias", key.alias)
            .put("purpose", key.meta.getString("purpose"))
            .put("algorithm", key.algorithm)
            .put("publicKey", base64url(key.publicKey.encoded)) // SubjectPublicKeyInfo DER
            .put("securityLevel", level)
            .put("userAuthentication", key.auth.toJson())
            .put("createdAt", key.meta.getLong("createdAt"))
        if (key.meta.optBoolean("attested") && level != "software") {
            val chain = keyStore.getCertificateChain(entryAlias).map { Base64.encodeToString(it.encoded, Base64.NO_WRAP) }
            record.put("attestation", JSONObject().put("x5c", JSONArray(chain)))
        }
        return record
    }

    /**
     * Where the key lives. SECURITY_LEVEL_UNKNOWN means Keystore cannot say, so nothing vouches
     * for the key: it is reported as software, and only UNKNOWN_SECURE (secure hardware of an
     * unknown kind) counts as hardware (KeyProperties.SECURITY_LEVEL_* reference, API 31).
     */
    private fun securityLevel(info: KeyInfo, strongBoxAsked: Boolean): String = if (Build.VERSION.SDK_INT >= 31) {
        when (info.securityLevel) {
            KeyProperties.SECURITY_LEVEL_STRONGBOX -> "strongbox"
            KeyProperties.SECURITY_LEVEL_TRUSTED_ENVIRONMENT, KeyProperties.SECURITY_LEVEL_UNKNOWN_SECURE -> "tee"
            else -> "software"
        }
    } else {
        @Suppress("DEPRECATION")
        when {
            !info.isInsideSecureHardware -> "software"
            strongBoxAsked -> "strongbox"
            else -> "tee"
        }
    }

    private fun getKey(alias: String): JSONObject? {
        val key = load(alias)
        if (key == null) {
            forget(alias)
            return null
        }
        if (key.auth.type != "none") {
            // Initialising an operation (no prompt) is how Keystore reveals an invalidated key;
            // the operation is ended at once so it holds no Keystore slot.
            try {
                KeyOperations.end(initialise(key).first, key.publicKey)
            } catch (e: KeyPermanentlyInvalidatedException) {
                throw DevicebindException("KeyPermanentlyInvalidatedException", "Keystore invalidated the key", e)
            } catch (e: UserNotAuthenticatedException) {
                // Valid, but its authentication window is closed: fine for getKey.
            }
            if (key.hasCanary) canary.check(alias)
        }
        return record(key)
    }

    /** Initialises the key's operation; returns the CryptoObject a per-use prompt needs. */
    private fun initialise(key: LoadedKey): Pair<Any, BiometricPrompt.CryptoObject?> = when (key.algorithm) {
        "ES256" -> Signature.getInstance("SHA256withECDSA").let {
            it.initSign(key.privateKey)
            it to BiometricPrompt.CryptoObject(it)
        }
        "ECDH-ES" -> KeyAgreement.getInstance("ECDH", "AndroidKeyStore").let {
            it.init(key.privateKey)
            it to null
        }
        "RSA-OAEP" -> Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding").let {
            it.init(Cipher.DECRYPT_MODE, key.privateKey)
            it to BiometricPrompt.CryptoObject(it)
        }
        else -> Cipher.getInstance("RSA/ECB/OAEPPadding").let {
            val spec = OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT)
            it.init(Cipher.DECRYPT_MODE, key.privateKey, spec)
            it to BiometricPrompt.CryptoObject(it)
        }
    }

    /**
     * Initialises the operation, authenticating the user when the key's policy asks for it:
     * per-use keys prompt with the operation's CryptoObject; a time-bound key whose window is
     * over prompts, then initialises once more. An operation that is not run to the end (the
     * prompt was cancelled) is ended, so it holds no Keystore slot.
     */
    private suspend fun <T> authorized(
        key: LoadedKey,
        prompt: PromptTexts?,
        activity: FragmentActivity?,
        run: (Any) -> T,
    ): T {
        if (key.hasCanary) canary.check(key.alias)
        val operation = try {
            initialise(key)
        } catch (e: UserNotAuthenticatedException) {
            BiometricGate.authenticate(activity, prompt, key.auth, null)
            try {
                initialise(key)
            } catch (again: UserNotAuthenticatedException) {
                // The prompt passed but did not open the window (e.g. a class 2 biometric).
                throw DevicebindException("UserNotAuthenticatedException", "the authentication does not unlock this key", again)
            }
        }
        var finished = false
        try {
            if (key.auth.type != "none" && key.auth.validitySeconds == 0) {
                BiometricGate.authenticate(activity, prompt, key.auth, operation.second)
            }
            val result = run(operation.first)
            finished = true
            return result
        } finally {
            if (!finished) KeyOperations.end(operation.first, key.publicKey)
        }
    }

    private suspend fun sign(params: WireParams, activity: FragmentActivity?): JSONObject {
        val key = loadFor(params, "ES256")
        val data = params.bytes("data", 1 shl 20)
        val signature = authorized(key, params.prompt(), activity) { signer ->
            (signer as Signature).run {
                update(data)
                sign() // ASN.1 DER; the JS adapter converts it to r ‖ s
            }
        }
        return JSONObject().put("signature", base64url(signature))
    }

    private suspend fun agree(params: WireParams, activity: FragmentActivity?): JSONObject {
        val key = loadFor(params, "ECDH-ES")
        val point = params.bytes("publicKey", 65)
        val peer = KeyFactory.getInstance("EC").generatePublic(X509EncodedKeySpec(P256_SPKI_PREFIX + point))
        val secret = authorized(key, params.prompt(), activity) { agreement ->
            (agreement as KeyAgreement).run {
                doPhase(peer, true)
                generateSecret()
            }
        }
        return JSONObject().put("sharedSecret", base64url(secret))
    }

    private suspend fun decrypt(params: WireParams, activity: FragmentActivity?): JSONObject {
        val key = loadFor(params, "RSA-OAEP", "RSA-OAEP-256")
        val ciphertext = params.bytes("ciphertext", 1024)
        val plaintext = authorized(key, params.prompt(), activity) { cipher -> (cipher as Cipher).doFinal(ciphertext) }
        return JSONObject().put("plaintext", base64url(plaintext))
    }

    private fun deleteKey(alias: String): Boolean {
        val existed = keyStore.containsAlias(PREFIX + alias)
        forget(alias)
        return existed
    }

    /** Deletes the key, its canary and its metadata, whichever exist. */
    private fun forget(alias: String) {
        if (keyStore.containsAlias(PREFIX + alias)) keyStore.deleteEntry(PREFIX + alias)
        canary.delete(alias)
        metadata.edit().remove(alias).commit()
    }

    /** The aliases of complete keys (a key and its metadata). */
    private fun listAliases(): List<String> =
        keyStore.aliases().toList().filter { it.startsWith(PREFIX) }.map { it.removePrefix(PREFIX) }
            .filter { metadata.contains(it) }

    /** Whether Keystore keys are hardware-backed here: made once with a throwaway key. */
    private fun probeHardware(): Boolean = try {
        val generator = KeyPairGenerator.getInstance(KeyProperties.KEY_ALGORITHM_EC, "AndroidKeyStore")
        generator.initialize(
            KeyGenParameterSpec.Builder(PROBE_ALIAS, KeyProperties.PURPOSE_SIGN)
                .setAlgorithmParameterSpec(ECGenParameterSpec("secp256r1"))
                .setDigests(KeyProperties.DIGEST_SHA256)
                .build(),
        )
        val privateKey = generator.generateKeyPair().private
        val info = KeyFactory.getInstance(privateKey.algorithm, "AndroidKeyStore").getKeySpec(privateKey, KeyInfo::class.java)
        securityLevel(info, false) != "software"
    } finally {
        keyStore.deleteEntry(PROBE_ALIAS)
    }
}
