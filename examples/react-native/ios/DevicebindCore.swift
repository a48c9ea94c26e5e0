// The iOS side of the devicebind bridge protocol (docs/bridge-protocol.md, version 1): JSON
// text in, JSON text out, over the Keychain and the Secure Enclave. Framework-free; the
// React Native module (Devicebind.swift) calls it on a background queue, since key
// operations may wait for Face ID / Touch ID.

import CryptoKit
import Foundation
import LocalAuthentication
import Security

final class DevicebindCore {
  static let protocolVersion = 1

  /// DER of SubjectPublicKeyInfo for a P-256 key, up to the 65-byte point.
  static let p256SpkiPrefix = Data([
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86,
    0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
  ])

  /// What the Keychain does not report back, kept beside each key.
  struct KeyMetadata: Codable {
    struct Attestation: Codable {
      let keyId: String
      let attestationObject: String
    }

    let purpose: String
    let algorithm: String
    let userAuthentication: UserAuthentication
    let createdAt: Int64
    let secureEnclave: Bool
    /// The biometric domain state when the key was made, for enrolment checks; nil when no
    /// biometrics could be evaluated then (the key was protected with `.userPresence`).
    let domainState: Data?
    /// Which API produced `domainState` (`DomainState.Source`); nil in metadata of older versions.
    let domainStateSource: String?
    var attestation: Attestation?
  }

  private let tagPrefix = "devicebind:"
  private let metadataService = "devicebind.keys"
  private let generating = NSLock()
  private let contextsLock = NSLock()
  /// One authenticated context per key with a reuse window, and when it was authenticated.
  private var contexts: [String: (context: LAContext, authenticatedAt: Date)] = [:]

  /// One protocol call: `method` with `paramsJSON`; returns the JSON result text. Blocks
  /// while the user authenticates: never call it on the main thread.
  func call(_ method: String, _ paramsJSON: String) throws -> String {
    guard let data = paramsJSON.data(using: .utf8),
      let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    else { throw DevicebindError.invalid("params") }
    let params = WireParams(json: json)
    let result: Any
    switch method {
    case "getInfo": result = getInfo()
    case "generateKey": result = try generateKey(params)
    case "getKey": result = try getKey(params) ?? NSNull()
    case "sign": result = try sign(params)
    case "agree": result = try agree(params)
    case "decrypt": result = try decrypt(params)
    case "deleteKey": result = ["deleted": try deleteKey(params.alias())]
    case "listAliases": result = ["aliases": listAliases()]
    case "setAttestation": result = try setAttestation(params)
    case "decryptContent": result = ["plaintext": base64url(try decryptContent(params))]
    default: throw DevicebindError(code: "UnknownMethod", message: "no method \"\(method)\"")
    }
    if result is NSNull { return "null" }
    return String(decoding: try JSONSerialization.data(withJSONObject: result), as: UTF8.self)
  }

  private func getInfo() -> [String: Any] {
    var error: NSError?
    return [
      "protocolVersion": Self.protocolVersion,
      "platform": "ios",
      // CryptoKit's SecureEnclave.isAvailable: false in the iOS Simulator and on devices
      // without an enclave, rather than assuming every device has one.
      "secureEnclave": SecureEnclave.isAvailable,
      "deviceSecure": LAContext().canEvaluatePolicy(.deviceOwnerAuthentication, error: &error),
      "biometrics": LAContext().canEvaluatePolicy(.deviceOwnerAuthenticationWithBiometrics, error: &error),
      // Optional in the protocol: adapters decrypt content here when this is present.
      "contentDecryption": ["maxBytes": ContentDecryption.maxBytes],
    ]
  }

  private func generateKey(_ params: WireParams) throws -> [String: Any] {
    generating.lock()
    defer { generating.unlock() }
    let alias = try params.alias()
    if let meta = metadata(alias), try privateKey(alias, context: nil) != nil {
      return ["created": false, "key": try record(alias, meta)]
    }
    let purpose = try params.choice("purpose", ["sign", "encrypt"])
    let algorithm = try params.choice("algorithm", ["ES256", "ECDH-ES", "RSA-OAEP", "RSA-OAEP-256", "EdDSA"])
    guard algorithm == "ES256" || algorithm == "ECDH-ES" else {
      throw DevicebindError(code: "UnsupportedAlgorithm", message: "the Secure Enclave holds only P-256 keys")
    }
    guard (purpose == "sign") == (algorithm == "ES256") else { throw DevicebindError.invalid("purpose") }
    let auth = try params.userAuthentication()
    try checkPolicy(auth)
    let secureEnclave = try params.flag("secureEnclave")

    // .biometryCurrentSet / .biometryAny need biometrics that can be evaluated now; on a
    // device with a passcode and no enrolled biometrics (or during a lockout) a key that also
    // accepts the passcode is protected with .userPresence instead, and no domain state is
    // saved (SecAccessControlCreateFlags reference).
    let biometrics = DomainState.current()
    var flags: SecAccessControlCreateFlags = secureEnclave ? [.privateKeyUsage] : []
    let biometry: SecAccessControlCreateFlags = auth.invalidateOnNewEnrollment ? .biometryCurrentSet : .biometryAny
    switch auth.type {
    case "biometric": flags.insert(biometry)
    case "biometric-or-device-credential":
      if biometrics.evaluable { flags.formUnion([biometry, .or, .devicePasscode]) } else { flags.insert(.userPresence) }
    default: break
    }
    var error: Unmanaged<CFError>?
    guard let access = SecAccessControlCreateWithFlags(nil, kSecAttrAccessibleWhenUnlockedThisDeviceOnly, flags, &error) else {
      throw DevicebindError.from(error!.takeRetainedValue())
    }
    var attributes: [String: Any] = [
      kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
      kSecAttrKeySizeInBits as String: 256,
      kSecPrivateKeyAttrs as String: [
        kSecAttrIsPermanent as String: true,
        kSecAttrApplicationTag as String: tag(alias),
        kSecAttrAccessControl as String: access,
      ],
    ]
    if secureEnclave { attributes[kSecAttrTokenID as String] = kSecAttrTokenIDSecureEnclave }
    // A key whose metadata was never saved (the app died in between, or saving failed) is no
    // key, but it still sits under the tag: delete both first, or the tag would hold two keys
    // (a permanent SecKeyCreateRandomKey adds an item; it never replaces one).
    _ = try deleteKey(alias)
    guard SecKeyCreateRandomKey(attributes as CFDictionary, &error) != nil else {
      throw DevicebindError.from(error!.takeRetainedValue())
    }
    let saveState = auth.type != "none" && auth.invalidateOnNewEnrollment && biometrics.evaluable
    let meta = KeyMetadata(
      purpose: purpose,
      algorithm: algorithm,
      userAuthentication: auth,
      createdAt: Int64(Date().timeIntervalSince1970 * 1000),
      secureEnclave: secureEnclave,
      domainState: saveState ? biometrics.state : nil,
      domainStateSource: saveState ? DomainState.Source.preferred.rawValue : nil,
      attestation: nil)
    do {
      try saveMetadata(alias, meta)
    } catch {
      SecItemDelete(keyQuery(alias) as CFDictionary)
      throw error
    }
    return ["created": true, "key": try record(alias, meta)]
  }

  private func checkPolicy(_ auth: UserAuthentication) throws {
    guard auth.type != "none" else { return }
    var error: NSError?
    if !LAContext().canEvaluatePolicy(.deviceOwnerAuthentication, error: &error) {
      throw DevicebindError(code: "LAErrorPasscodeNotSet", message: "no passcode is set")
    }
    if auth.type == "biometric", !LAContext().canEvaluatePolicy(.deviceOwnerAuthenticationWithBiometrics, error: &error) {
      throw error.map { DevicebindError.from($0) } ?? DevicebindError(code: "LAErrorBiometryNotEnrolled", message: "no biometrics")
    }
    if auth.validitySeconds > Int(LATouchIDAuthenticationMaximumAllowableReuseDuration) {
      throw DevicebindError(code: "UnsupportedAlgorithm", message: "reuse windows are at most 300 s")
    }
  }

  private func record(_ alias: String, _ meta: KeyMetadata) throws -> [String: Any] {
    guard let key = try privateKey(alias, context: nil), let publicKey = SecKeyCopyPublicKey(key) else {
      throw DevicebindError.from(status: errSecItemNotFound)
    }
    var error: Unmanaged<CFError>?
    guard let point = SecKeyCopyExternalRepresentation(publicKey, &error) as Data? else {
      throw DevicebindError.from(error!.takeRetainedValue())
    }
    var record: [String: Any] = [
      "alias": alias,
      "purpose": meta.purpose,
      "algorithm": meta.algorithm,
      "publicKey": base64url(Self.p256SpkiPrefix + point),  // SubjectPublicKeyInfo DER
      "securityLevel": meta.secureEnclave ? "secure-enclave" : "software",
      "userAuthentication": meta.userAuthentication.json,
      "createdAt": meta.createdAt,
    ]
    if let attestation = meta.attestation {
      record["attestation"] = ["keyId": attestation.keyId, "attestationObject": attestation.attestationObject]
    }
    return record
  }

  /// With `checkEnrollment`, a key that must follow the enrolled biometrics fails with
  /// EnrollmentChanged once the domain state differs from the one saved with it. The state
  /// is compared only when biometrics can be evaluated now: it is nil during a lockout or
  /// with Face ID turned off for the app (LAContext.evaluatedPolicyDomainState: "non-nil when
  /// canEvaluatePolicy succeeds for a biometric policy"), which is no enrolment change. During
  /// a lockout, an operation with a biometric-only key reports LAErrorBiometryLockout.
  private func checkEnrollment(_ meta: KeyMetadata, _ params: WireParams, operation: Bool) throws {
    guard try params.flag("checkEnrollment"), let saved = meta.domainState else { return }
    let source = meta.domainStateSource.flatMap(DomainState.Source.init(rawValue:)) ?? .evaluatedPolicyDomainState
    let now = DomainState.current(source)
    guard now.evaluable else {
      if operation, meta.userAuthentication.type == "biometric", now.error?.code == LAError.biometryLockout.rawValue {
        throw DevicebindError(code: "LAErrorBiometryLockout", message: "biometrics are locked out")
      }
      return
    }
    if now.state != saved {
      throw DevicebindError(code: "EnrollmentChanged", message: "the enrolled biometrics changed since the key was made")
    }
  }

  private func getKey(_ params: WireParams) throws -> [String: Any]? {
    let alias = try params.alias()
    guard let meta = metadata(alias), try privateKey(alias, context: nil) != nil else { return nil }
    try checkEnrollment(meta, params, operation: false)
    return try record(alias, meta)
  }

  /// The key for an operation, with the authentication context to use it with.
  private func usableKey(_ params: WireParams, algorithm: String) throws -> (key: SecKey, context: AuthenticationContext) {
    let alias = try params.alias()
    guard let meta = metadata(alias) else { throw DevicebindError.from(status: errSecItemNotFound) }
    guard meta.algorithm == algorithm else {
      throw DevicebindError(code: "IncompatibleKey", message: "the key was not made for this operation")
    }
    try checkEnrollment(meta, params, operation: true)
    let context = authenticationContext(alias, meta.userAuthentication, try params.prompt())
    guard let key = try privateKey(alias, context: context.context) else { throw DevicebindError.from(status: errSecItemNotFound) }
    return (key, context)
  }

  /// An LAContext and whether it must be kept once the operation succeeds.
  struct AuthenticationContext {
    let context: LAContext
    let alias: String
    let keepFor: TimeInterval
  }

  /// The reuse window is per key: within `validitySeconds` after a key's context was
  /// authenticated, the same (already authenticated) context is used again; after it, a new
  /// context prompts (or accepts a device unlock within the window, through
  /// `touchIDAuthenticationAllowableReuseDuration`). The window starts when the context was
  /// authenticated (the operation succeeded), not when it was created.
  private func authenticationContext(_ alias: String, _ auth: UserAuthentication, _ prompt: PromptTexts?) -> AuthenticationContext {
    let window = TimeInterval(auth.validitySeconds)
    contextsLock.lock()
    defer { contextsLock.unlock() }
    if window > 0, let cached = contexts[alias], Date().timeIntervalSince(cached.authenticatedAt) < window {
      return AuthenticationContext(context: cached.context, alias: alias, keepFor: 0)
    }
    contexts[alias] = nil
    let context = LAContext()
    // iOS shows no text of its own for a keychain prompt: the module supplies a default, as
    // the Android module does with the app's label.
    context.localizedReason = prompt?.reason ?? PromptTexts.defaultReason
    if let cancel = prompt?.cancelLabel { context.localizedCancelTitle = cancel }
    if window > 0 { context.touchIDAuthenticationAllowableReuseDuration = window }
    return AuthenticationContext(context: context, alias: alias, keepFor: window)
  }

  /// After a successful operation: keeps a new context for its reuse window.
  private func authenticated(_ used: AuthenticationContext) {
    guard used.keepFor > 0 else { return }
    contextsLock.lock()
    contexts[used.alias] = (used.context, Date())
    contextsLock.unlock()
  }

  private func sign(_ params: WireParams) throws -> [String: Any] {
    let (key, context) = try usableKey(params, algorithm: "ES256")
    let data = try params.bytes("data", max: 1 << 20)
    var error: Unmanaged<CFError>?
    // ASN.1 DER (X9.62); the JS adapter converts it to r ‖ s.
    guard let signature = SecKeyCreateSignature(key, .ecdsaSignatureMessageX962SHA256, data as CFData, &error) as Data? else {
      throw DevicebindError.from(error!.takeRetainedValue())
    }
    authenticated(context)
    return ["signature": base64url(signature)]
  }

  private func agree(_ params: WireParams) throws -> [String: Any] {
    let (key, context) = try usableKey(params, algorithm: "ECDH-ES")
    let point = try params.bytes("publicKey", max: 65)
    var error: Unmanaged<CFError>?
    let peerAttributes: [String: Any] = [
      kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
      kSecAttrKeyClass as String: kSecAttrKeyClassPublic,
    ]
    guard let peer = SecKeyCreateWithData(point as CFData, peerAttributes as CFDictionary, &error) else {
      throw DevicebindError.from(error!.takeRetainedValue())
    }
    // The plain key exchange (x-coordinate of the shared point), not Apple's ECIES.
    guard let secret = SecKeyCopyKeyExchangeResult(key, .ecdhKeyExchangeStandard, peer, [:] as CFDictionary, &error) as Data? else {
      throw DevicebindError.from(error!.takeRetainedValue())
    }
    authenticated(context)
    return ["sharedSecret": base64url(secret)]
  }

  /// `decryptContent` with everything base64url in the JSON parameters: the text channel, or
  /// the binary channel called with empty data (JS then sends an envelope's ciphertext as the
  /// text it already is, and this side decodes it). A binary channel with data calls
  /// ContentDecryption.decrypt with the bytes directly.
  func decryptContent(_ params: WireParams) throws -> Data {
    var aad: Data?
    if params.json["aad"] != nil { aad = try params.bytes("aad", max: 64 * 1024) }
    return try ContentDecryption.decrypt(
      key: try params.bytes("key", max: 32),
      iv: try params.bytes("iv", max: 12),
      aad: aad,
      sealed: try params.bytes("ciphertext", max: ContentDecryption.maxBytes) + params.bytes("tag", max: 16))
  }

  private func decrypt(_ params: WireParams) throws -> [String: Any] {
    guard metadata(try params.alias()) != nil else { throw DevicebindError.from(status: errSecItemNotFound) }
    throw DevicebindError(code: "IncompatibleKey", message: "iOS keys are P-256 keys; there is no RSA decryption")
  }

  private func setAttestation(_ params: WireParams) throws -> [String: Any] {
    let alias = try params.alias()
    guard var meta = metadata(alias) else { throw DevicebindError.from(status: errSecItemNotFound) }
    guard let attestation = params.json["attestation"] as? [String: Any],
      let keyId = attestation["keyId"] as? String,
      keyId.range(of: "^[A-Za-z0-9+/=_-]{1,200}$", options: .regularExpression) != nil
    else { throw DevicebindError.invalid("attestation") }
    let object = try WireParams(json: attestation).bytes("attestationObject", max: 64 * 1024)
    meta.attestation = KeyMetadata.Attestation(keyId: keyId, attestationObject: base64url(object))
    try saveMetadata(alias, meta)
    return [:]
  }

  private func deleteKey(_ alias: String) throws -> Bool {
    let status = SecItemDelete(keyQuery(alias) as CFDictionary)
    SecItemDelete(metadataQuery(alias) as CFDictionary)
    contextsLock.lock()
    contexts[alias] = nil
    contextsLock.unlock()
    if status != errSecSuccess && status != errSecItemNotFound { throw DevicebindError.from(status: status) }
    return status == errSecSuccess
  }

  private func listAliases() -> [String] {
    let query: [String: Any] = [
      kSecClass as String: kSecClassKey,
      kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
      kSecAttrKeyClass as String: kSecAttrKeyClassPrivate,
      kSecReturnAttributes as String: true,
      kSecMatchLimit as String: kSecMatchLimitAll,
    ]
    var items: CFTypeRef?
    guard SecItemCopyMatching(query as CFDictionary, &items) == errSecSuccess, let list = items as? [[String: Any]] else { return [] }
    return list.compactMap { item in
      guard let tag = item[kSecAttrApplicationTag as String] as? Data, let text = String(data: tag, encoding: .utf8),
        text.hasPrefix(tagPrefix)
      else { return nil }
      return String(text.dropFirst(tagPrefix.count))
    }
    // A key without metadata is no key (see generateKey).
    .filter { metadata($0) != nil }
  }

  // MARK: Keychain items

  private func tag(_ alias: String) -> Data { Data((tagPrefix + alias).utf8) }

  private func keyQuery(_ alias: String) -> [String: Any] {
    [
      kSecClass as String: kSecClassKey,
      kSecAttrApplicationTag as String: tag(alias),
      kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
      kSecAttrKeyClass as String: kSecAttrKeyClassPrivate,
    ]
  }

  /// The private key reference; fetching it never prompts (using it may).
  private func privateKey(_ alias: String, context: LAContext?) throws -> SecKey? {
    var query = keyQuery(alias)
    query[kSecReturnRef as String] = true
    if let context { query[kSecUseAuthenticationContext as String] = context }
    var item: CFTypeRef?
    let status = SecItemCopyMatching(query as CFDictionary, &item)
    if status == errSecItemNotFound { return nil }
    guard status == errSecSuccess, let item else { throw DevicebindError.from(status: status) }
    return (item as! SecKey)
  }

  private func metadataQuery(_ alias: String) -> [String: Any] {
    [kSecClass as String: kSecClassGenericPassword, kSecAttrService as String: metadataService, kSecAttrAccount as String: alias]
  }

  private func metadata(_ alias: String) -> KeyMetadata? {
    var query = metadataQuery(alias)
    query[kSecReturnData as String] = true
    var item: CFTypeRef?
    guard SecItemCopyMatching(query as CFDictionary, &item) == errSecSuccess, let data = item as? Data else { return nil }
    return try? JSONDecoder().decode(KeyMetadata.self, from: data)
  }

  private func saveMetadata(_ alias: String, _ meta: KeyMetadata) throws {
    SecItemDelete(metadataQuery(alias) as CFDictionary)
    var item = metadataQuery(alias)
    item[kSecValueData as String] = try JSONEncoder().encode(meta)
    item[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
    let status = SecItemAdd(item as CFDictionary, nil)
    if status != errSecSuccess { throw DevicebindError.from(status: status) }
  }
}
