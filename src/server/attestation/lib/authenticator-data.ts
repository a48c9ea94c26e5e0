// WebAuthn authenticator data as App Attest uses it (W3C WebAuthn §6.1): rpIdHash, flags,
// signature counter, and in attestations the App Attest key's id and COSE public key.

import { encodeBase64url } from '../../../core/base64url.js';
import type { EcPublicJwk } from '../../../core/jwk.js';
import { cborBytes, cborMap, decodeCborPrefix } from './cbor.js';
import { refuseAttestation } from './refusal.js';

/** @internal Parsed authenticator data. */
export interface AuthenticatorData {
  readonly rpIdHash: Uint8Array;
  readonly flags: number;
  readonly counter: number;
  /** Attestations only. */
  readonly aaguid?: Uint8Array;
  readonly credentialId?: Uint8Array;
  readonly credentialPublicKey?: EcPublicJwk;
}

const ATTESTED_CREDENTIAL_DATA = 0x40;
const EXTENSION_DATA = 0x80;
// COSE (RFC 9053 §7.1): kty 1 = EC2 with crv -1 = 1 (P-256), x -2, y -3; alg 3 = -7 (ES256).
const COSE_KTY = 1;
const COSE_ALG = 3;
const COSE_CRV = -1;
const COSE_X = -2;
const COSE_Y = -3;

function coseP256Key(value: unknown, claim: string): EcPublicJwk {
  const key = cborMap(value, claim);
  if (
    key.get(COSE_KTY) !== 2 ||
    key.get(COSE_CRV) !== 1 ||
    ![undefined, -7].includes(key.get(COSE_ALG) as number)
  ) {
    refuseAttestation('unsupported', `the ${claim} is not an ES256 P-256 key`, { claim });
  }
  const x = cborBytes(key, COSE_X, `${claim}.x`);
  const y = cborBytes(key, COSE_Y, `${claim}.y`);
  if (x.length !== 32 || y.length !== 32)
    refuseAttestation('malformed', `the ${claim} has malformed coordinates`, { claim });
  return { kty: 'EC', crv: 'P-256', x: encodeBase64url(x), y: encodeBase64url(y) };
}

/**
 * @internal Parses authenticator data; `attested` when it must carry attested credential data.
 * @throws `ATTESTATION_FAILED` (`malformed`, `unsupported`)
 */
export function parseAuthenticatorData(bytes: Uint8Array, attested: boolean): AuthenticatorData {
  const claim = 'authenticatorData';
  if (bytes.length < 37)
    refuseAttestation('malformed', 'the authenticator data is too short', { claim });
  const flags = bytes[32]!;
  const counter = new DataView(bytes.buffer, bytes.byteOffset + 33, 4).getUint32(0, false);
  const base = { rpIdHash: bytes.slice(0, 32), flags, counter };
  if (!attested) {
    if (bytes.length !== 37 && (flags & EXTENSION_DATA) === 0)
      refuseAttestation('malformed', 'the authenticator data has trailing bytes', { claim });
    return base;
  }
  if ((flags & ATTESTED_CREDENTIAL_DATA) === 0 || bytes.length < 55)
    refuseAttestation('malformed', 'the authenticator data has no attested credential', { claim });
  const idLength = (bytes[53]! << 8) | bytes[54]!;
  if (bytes.length < 55 + idLength)
    refuseAttestation('malformed', 'the credential id is cut short', { claim });
  const [coseKey, rest] = decodeCborPrefix(bytes.subarray(55 + idLength), 'credentialPublicKey');
  if (rest.length !== 0 && (flags & EXTENSION_DATA) === 0)
    refuseAttestation('malformed', 'the authenticator data has trailing bytes', { claim });
  return {
    ...base,
    aaguid: bytes.slice(37, 53),
    credentialId: bytes.slice(55, 55 + idLength),
    credentialPublicKey: coseP256Key(coseKey, 'credentialPublicKey'),
  };
}
