// A failure of the devicebind native module, named as docs/bridge-protocol.md ("Errors")
// lists it: OSStatus constant names, LAError names, TKError names, or a protocol name.

import CryptoTokenKit
import Foundation
import LocalAuthentication
import Security

struct DevicebindError: Error {
  let code: String
  let message: String

  static func invalid(_ name: String) -> DevicebindError {
    DevicebindError(code: "InvalidParams", message: "parameter \"\(name)\" is missing or malformed")
  }

  /// Names a Security or LocalAuthentication error the way the JS adapter expects it.
  static func from(_ error: Error) -> DevicebindError {
    if let known = error as? DevicebindError { return known }
    let nsError = error as NSError
    if nsError.domain == NSOSStatusErrorDomain {
      return DevicebindError(code: osStatusName(OSStatus(nsError.code)), message: nsError.localizedDescription)
    }
    if nsError.domain == LAErrorDomain {
      return DevicebindError(code: laErrorName(nsError.code), message: nsError.localizedDescription)
    }
    // Secure Enclave key operations fail in the CryptoTokenKit domain (TKError.Code).
    if nsError.domain == TKErrorDomain {
      return DevicebindError(code: tkErrorName(nsError.code), message: nsError.localizedDescription)
    }
    return DevicebindError(code: "NativeError", message: nsError.localizedDescription)
  }

  static func from(status: OSStatus) -> DevicebindError {
    DevicebindError(code: osStatusName(status), message: SecCopyErrorMessageString(status, nil) as String? ?? "OSStatus \(status)")
  }

  private static func osStatusName(_ status: OSStatus) -> String {
    switch status {
    case errSecUserCanceled: return "errSecUserCanceled"
    case errSecItemNotFound: return "errSecItemNotFound"
    case errSecAuthFailed: return "errSecAuthFailed"
    case errSecInteractionNotAllowed: return "errSecInteractionNotAllowed"
    case errSecUnimplemented: return "errSecUnimplemented"
    case errSecParam: return "errSecParam"
    case errSecDuplicateItem: return "errSecDuplicateItem"
    default: return "OSStatus\(status)"
    }
  }

  private static func laErrorName(_ code: Int) -> String {
    switch LAError.Code(rawValue: code) {
    case .userCancel: return "LAErrorUserCancel"
    case .systemCancel: return "LAErrorSystemCancel"
    case .appCancel: return "LAErrorAppCancel"
    case .authenticationFailed: return "LAErrorAuthenticationFailed"
    case .biometryLockout: return "LAErrorBiometryLockout"
    case .passcodeNotSet: return "LAErrorPasscodeNotSet"
    case .biometryNotEnrolled: return "LAErrorBiometryNotEnrolled"
    case .biometryNotAvailable: return "LAErrorBiometryNotAvailable"
    case .notInteractive: return "LAErrorNotInteractive"
    default: return "LAError\(code)"
    }
  }

  private static func tkErrorName(_ code: Int) -> String {
    switch TKError.Code(rawValue: code) {
    case .canceledByUser: return "TKErrorCanceledByUser"
    case .authenticationFailed: return "TKErrorAuthenticationFailed"
    case .authenticationNeeded: return "TKErrorAuthenticationNeeded"
    case .objectNotFound: return "TKErrorObjectNotFound"
    default: return "TKError\(code)"
    }
  }
}
