// Strict readers for the JSON parameters of docs/bridge-protocol.md: anything missing or
// malformed is refused with InvalidParams, and bytes are unpadded base64url. JSONSerialization
// gives NSNumber for both JSON booleans and numbers, and `as? Bool` / `as? Int` convert between
// them (1 reads as true, true as 1): booleans and integers are told apart by their CF type.

import Foundation

struct UserAuthentication: Codable, Equatable {
  let type: String
  let validitySeconds: Int
  let invalidateOnNewEnrollment: Bool

  static let none = UserAuthentication(type: "none", validitySeconds: 0, invalidateOnNewEnrollment: false)

  var json: [String: Any] {
    ["type": type, "validitySeconds": validitySeconds, "invalidateOnNewEnrollment": invalidateOnNewEnrollment]
  }
}

struct PromptTexts {
  let title: String?
  let subtitle: String?
  let description: String?
  let cancelLabel: String?

  /// What LocalAuthentication shows: the description, else the title.
  var reason: String? { description ?? title }

  /// Shown when the app gives no text: iOS has no default of its own for keychain prompts.
  static let defaultReason: String = {
    let info = Bundle.main.infoDictionary
    let name = info?["CFBundleDisplayName"] as? String ?? info?["CFBundleName"] as? String ?? "This app"
    return "\(name) needs to confirm it is you"
  }()
}

/// A JSON boolean (not a number that Foundation would convert).
func jsonBool(_ value: Any?) -> Bool? {
  guard let number = value as? NSNumber, CFGetTypeID(number) == CFBooleanGetTypeID() else { return nil }
  return number.boolValue
}

/// A JSON integer (not a boolean, not a number with a fraction).
func jsonInt(_ value: Any?) -> Int? {
  guard let number = value as? NSNumber, CFGetTypeID(number) != CFBooleanGetTypeID(), !CFNumberIsFloatType(number)
  else { return nil }
  return number.intValue
}

func base64url(_ data: Data) -> String {
  data.base64EncodedString()
    .replacingOccurrences(of: "+", with: "-")
    .replacingOccurrences(of: "/", with: "_")
    .replacingOccurrences(of: "=", with: "")
}

func decodeBase64url(_ text: String) -> Data? {
  guard text.range(of: "^[A-Za-z0-9_-]*$", options: .regularExpression) != nil, text.count % 4 != 1 else { return nil }
  var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
  standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
  guard let data = Data(base64Encoded: standard), base64url(data) == text else { return nil }
  return data
}

struct WireParams {
  let json: [String: Any]

  func alias() throws -> String {
    guard let alias = json["alias"] as? String,
      alias.range(of: "^[A-Za-z0-9._:-]{1,200}$", options: .regularExpression) != nil
    else { throw DevicebindError.invalid("alias") }
    return alias
  }

  func choice(_ name: String, _ allowed: [String]) throws -> String {
    guard let value = json[name] as? String, allowed.contains(value) else { throw DevicebindError.invalid(name) }
    return value
  }

  func flag(_ name: String) throws -> Bool {
    guard let value = json[name] else { return false }
    guard let flag = jsonBool(value) else { throw DevicebindError.invalid(name) }
    return flag
  }

  func bytes(_ name: String, max: Int) throws -> Data {
    guard let text = json[name] as? String, let data = decodeBase64url(text), data.count <= max else {
      throw DevicebindError.invalid(name)
    }
    return data
  }

  func userAuthentication() throws -> UserAuthentication {
    guard let auth = json["userAuthentication"] as? [String: Any],
      let type = auth["type"] as? String, ["none", "biometric", "biometric-or-device-credential"].contains(type),
      let validity = jsonInt(auth["validitySeconds"]), validity >= 0,
      let invalidate = jsonBool(auth["invalidateOnNewEnrollment"])
    else { throw DevicebindError.invalid("userAuthentication") }
    return type == "none" ? .none : UserAuthentication(type: type, validitySeconds: validity, invalidateOnNewEnrollment: invalidate)
  }

  func prompt() throws -> PromptTexts? {
    guard let value = json["prompt"] else { return nil }
    guard let prompt = value as? [String: Any], prompt.values.allSatisfy({ $0 is String }) else {
      throw DevicebindError.invalid("prompt")
    }
    return PromptTexts(
      title: prompt["title"] as? String,
      subtitle: prompt["subtitle"] as? String,
      description: prompt["description"] as? String,
      cancelLabel: prompt["cancelLabel"] as? String)
  }
}
