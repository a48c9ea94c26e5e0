// ECDSA signatures from native key stores: Android Keystore and the iOS Security framework
// return ASN.1 DER (X9.62); JWS ES256 needs the 64-byte r ‖ s form (RFC 7518 §3.4).

import { p256 } from '@noble/curves/nist.js';
import { malformed } from './codec.js';

/**
 * @internal Converts a DER ECDSA-Sig-Value to the JOSE form. Strict: BER, non-minimal
 * integers, trailing bytes, and r or s outside [1, n−1] are refused.
 * @throws `KEYSTORE_ERROR`
 */
export function derToJoseSignature(der: Uint8Array): Uint8Array {
  try {
    return p256.Signature.fromBytes(der, 'der').toBytes('compact');
  } catch (err) {
    return malformed('signature (not a DER ECDSA P-256 signature)', err);
  }
}
