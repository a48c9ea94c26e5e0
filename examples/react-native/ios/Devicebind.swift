// The React Native module `Devicebind`: exposes `call(method, paramsJson)` to JS, which
// `reactNativeBridge(NativeModules.Devicebind)` wraps. Calls run on a background queue
// because key operations may wait for Face ID / Touch ID.

import Foundation

@objc(Devicebind)
final class Devicebind: NSObject {
  private let core = DevicebindCore()
  private let queue = DispatchQueue(label: "devicebind.calls", qos: .userInitiated, attributes: .concurrent)

  @objc static func requiresMainQueueSetup() -> Bool { false }

  @objc(call:params:resolver:rejecter:)
  func call(
    _ method: String,
    params: String,
    resolver resolve: @escaping RCTPromiseResolveBlock,
    rejecter reject: @escaping RCTPromiseRejectBlock
  ) {
    queue.async {
      do {
        resolve(try self.core.call(method, params))
      } catch {
        // The JS adapter maps the code (docs/bridge-protocol.md, "Errors").
        let failure = DevicebindError.from(error)
        reject(failure.code, failure.message, error)
      }
    }
  }
}
