// The App Attest credential certificate's own extensions: the nonce that binds the attestation
// to its authenticator data and clientDataHash, and the iOS version.

import { AsnParser, AsnProp, OctetString } from '@peculiar/asn1-schema';
import { BER_LIMITS, type ParsedCertificate } from './certificate.js';
import { viewOf } from './encoding.js';
import { refuseAttestation } from './refusal.js';

/** @internal `SEQUENCE { [1] EXPLICIT OCTET STRING }`: SHA-256(authData ‖ clientDataHash). */
export const APPLE_NONCE_OID = '1.2.840.113635.100.8.2';
/** @internal `SEQUENCE { [1400] EXPLICIT OCTET STRING }`: the iOS version. */
export const APPLE_OS_VERSION_OID = '1.2.840.113635.100.8.7';

class AppleNonce {
  nonce = new OctetString();
}
AsnProp({ type: OctetString, context: 1 })(AppleNonce.prototype, 'nonce');

class AppleOsVersion {
  version = new OctetString();
}
AsnProp({ type: OctetString, context: 1400 })(AppleOsVersion.prototype, 'version');

/** @internal The nonce in `certificate`. @throws `ATTESTATION_FAILED` (`missing`, `malformed`) */
export function appleNonce(certificate: ParsedCertificate): Uint8Array {
  const claim = 'x5c[0].nonce';
  const extension = certificate.extensions.get(APPLE_NONCE_OID);
  if (extension === undefined)
    refuseAttestation('missing', 'the credential certificate has no nonce extension', { claim });
  try {
    return viewOf(AsnParser.parse(extension.value, AppleNonce, { berOptions: BER_LIMITS }).nonce);
  } catch (err) {
    return refuseAttestation('malformed', 'the nonce extension is malformed', { claim }, err);
  }
}

/** @internal The iOS version in `certificate`, when it says (informational). */
export function appleOsVersion(certificate: ParsedCertificate): string | undefined {
  const extension = certificate.extensions.get(APPLE_OS_VERSION_OID);
  if (extension === undefined) return undefined;
  try {
    const parsed = AsnParser.parse(extension.value, AppleOsVersion, { berOptions: BER_LIMITS });
    return new TextDecoder('utf-8', { fatal: true }).decode(viewOf(parsed.version));
  } catch {
    return undefined;
  }
}
