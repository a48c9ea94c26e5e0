// Bulk AES-GCM decryption for the bridge method `decryptContent`: the core recovers a content
// key (from the Secure Enclave key's ECDH result) and hands it here with the ciphertext, so
// large files decrypt at native speed instead of in JavaScript.

import CryptoKit
import Foundation

enum ContentDecryption {
  /// The largest ciphertext (with its tag) one call takes; advertised in getInfo.
  static let maxBytes = 64 * 1024 * 1024

  /// AES-GCM with a 128-bit tag over `sealed` (ciphertext ‖ tag), CryptoKit's `AES.GCM.open`
  /// with a `SealedBox(nonce:ciphertext:tag:)`. The content key is a `SymmetricKey` that
  /// lives only for this call. Every failure (a tag that does not verify included) is the one
  /// name ContentDecryptionFailed, with no detail: the JS side turns it into its single
  /// INVALID_ENVELOPE. Also the entry point of a binary channel (a JSI or Nitro module that
  /// passes ArrayBuffers), which calls it with the bytes directly.
  static func decrypt(key: Data, iv: Data, aad: Data?, sealed: Data) throws -> Data {
    guard key.count == 16 || key.count == 32, iv.count == 12, sealed.count >= 16, sealed.count <= maxBytes else {
      throw DevicebindError.invalid("ciphertext")
    }
    do {
      let box = try AES.GCM.SealedBox(
        nonce: try AES.GCM.Nonce(data: iv), ciphertext: sealed.dropLast(16), tag: sealed.suffix(16))
      let symmetricKey = SymmetricKey(data: key)
      if let aad { return try AES.GCM.open(box, using: symmetricKey, authenticating: aad) }
      return try AES.GCM.open(box, using: symmetricKey)
    } catch {
      throw DevicebindError(code: "ContentDecryptionFailed", message: "the content could not be decrypted")
    }
  }
}
