// The biometric domain state: an opaque value that changes when the enrolled biometrics
// change, saved with keys bound to them and compared before each use.

import Foundation
import LocalAuthentication

struct DomainState {
  /// Which API reads the state. `LAContext.evaluatedPolicyDomainState` is deprecated from
  /// iOS 18, where `LAContext.domainState.biometry.stateHash` replaces it; the two may differ,
  /// so a key is always compared with the API that produced its saved state.
  enum Source: String {
    case evaluatedPolicyDomainState
    case biometryStateHash

    static var preferred: Source {
      if #available(iOS 18.0, *) { return .biometryStateHash }
      return .evaluatedPolicyDomainState
    }
  }

  /// Whether biometrics can be evaluated now (enrolled, not locked out, allowed for the app).
  let evaluable: Bool
  /// The state; nil whenever `evaluable` is false (LocalAuthentication gives none then).
  let state: Data?
  /// Why biometrics cannot be evaluated, when they cannot.
  let error: NSError?

  static func current(_ source: Source = .preferred) -> DomainState {
    let context = LAContext()
    var error: NSError?
    guard context.canEvaluatePolicy(.deviceOwnerAuthenticationWithBiometrics, error: &error) else {
      return DomainState(evaluable: false, state: nil, error: error)
    }
    return DomainState(evaluable: true, state: read(context, source), error: nil)
  }

  private static func read(_ context: LAContext, _ source: Source) -> Data? {
    if source == .biometryStateHash, #available(iOS 18.0, *) {
      return context.domainState.biometry.stateHash
    }
    return legacyState(context)
  }

  /// Keys saved before iOS 18 keep comparing with the property that produced their state.
  @available(iOS, introduced: 9.0, deprecated: 18.0, message: "kept for keys whose state it produced")
  private static func legacyState(_ context: LAContext) -> Data? {
    context.evaluatedPolicyDomainState
  }
}
