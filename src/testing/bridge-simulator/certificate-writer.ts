// X.509 certificates for simulated attestation chains (Android key attestation, App Attest):
// signers on P-256 and P-384, names, the CA extensions, and faults a verifier must catch.

import { p256, p384 } from '@noble/curves/nist.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import {
  derBitString,
  derBoolean,
  derElement,
  derExplicit,
  derInteger,
  derOctetString,
  derOid,
  derSequence,
  derSet,
  derUtcTime,
  derUtf8String,
} from './der-writer.js';

/** @internal A key that signs certificates, with the name its certificates are issued under. */
export interface Signer {
  readonly name: Uint8Array;
  readonly curve: 'P-256' | 'P-384';
  readonly secretKey: Uint8Array;
  readonly spki: Uint8Array;
}

const CURVE_OIDS = { 'P-256': '1.2.840.10045.3.1.7', 'P-384': '1.3.132.0.34' } as const;
const ECDSA_WITH = { 'SHA-256': '1.2.840.10045.4.3.2', 'SHA-384': '1.2.840.10045.4.3.3' } as const;
/** ecdsa-with-SHA1: a signature algorithm verifiers must refuse. */
const ECDSA_WITH_SHA1 = '1.2.840.10045.4.1';
// UTCTime ends in 2049 (RFC 5280 §4.1.2.5); the simulator's certificates end before.
const LAST_UTC_TIME = Date.UTC(2049, 11, 31, 23, 59, 59);

/** @internal The SubjectPublicKeyInfo of an uncompressed EC point. */
export function ecSpki(curve: 'P-256' | 'P-384', point: Uint8Array): Uint8Array {
  return derSequence(
    derSequence(derOid('1.2.840.10045.2.1'), derOid(CURVE_OIDS[curve])),
    derBitString(point),
  );
}

/** @internal A name of one RDN per attribute: `[[oid, value], …]`, in order. */
export function distinguishedName(
  ...attributes: readonly (readonly [string, string])[]
): Uint8Array {
  return derSequence(
    ...attributes.map(([oid, value]) => derSet(derSequence(derOid(oid), derUtf8String(value)))),
  );
}

/** @internal A new signer on `curve` named `name`. */
export function newSigner(curve: 'P-256' | 'P-384', name: Uint8Array): Signer {
  const ecdsa = curve === 'P-256' ? p256 : p384;
  const { secretKey } = ecdsa.keygen();
  return { name, curve, secretKey, spki: ecSpki(curve, ecdsa.getPublicKey(secretKey, false)) };
}

/** @internal An ECDSA signature (DER) over SHA-256 or SHA-384 of `data`. */
export function signData(
  signer: Signer,
  data: Uint8Array,
  hash: 'SHA-256' | 'SHA-384',
): Uint8Array {
  const digest = hash === 'SHA-256' ? sha256(data) : sha384(data);
  const ecdsa = signer.curve === 'P-256' ? p256 : p384;
  return ecdsa.sign(digest, signer.secretKey, { prehash: false, lowS: false, format: 'der' });
}

/** @internal One extension. */
export function extension(oid: string, value: Uint8Array, critical = false): Uint8Array {
  return derSequence(derOid(oid), ...(critical ? [derBoolean(true)] : []), derOctetString(value));
}

/** @internal basicConstraints (critical). */
export const basicConstraints = (ca: boolean): Uint8Array =>
  extension('2.5.29.19', derSequence(...(ca ? [derBoolean(true)] : [])), true);

/** @internal keyUsage (critical) from its first byte of bits (0x80 digitalSignature, 0x04 keyCertSign, 0x02 cRLSign). */
export function keyUsage(bits: number): Uint8Array {
  let unused = 0;
  while (unused < 7 && (bits & (1 << unused)) === 0) unused++;
  return extension('2.5.29.15', derElement(0x03, Uint8Array.of(unused, bits)), true);
}

/** @internal What a simulated certificate says, and the faults it may carry. */
export interface CertificateSpec {
  readonly serial: bigint | number;
  readonly issuer: Signer;
  readonly subject: Uint8Array;
  readonly spki: Uint8Array;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly extensions: readonly Uint8Array[];
  /** The digest the issuer signs with (default: SHA-384 for a P-384 issuer, else SHA-256). */
  readonly hash?: 'SHA-256' | 'SHA-384';
  /** Sign it under ecdsa-with-SHA1, which verifiers refuse. */
  readonly weakAlgorithm?: boolean;
  /** Flip a bit of the signature. */
  readonly corruptSignature?: boolean;
  /** The issuer name written into it, when it must differ from the issuer's. */
  readonly issuerName?: Uint8Array;
}

/** @internal A DER certificate signed by `spec.issuer`. */
export function issueCertificate(spec: CertificateSpec): Uint8Array {
  const hash = spec.hash ?? (spec.issuer.curve === 'P-384' ? 'SHA-384' : 'SHA-256');
  const algorithm = derSequence(derOid(spec.weakAlgorithm ? ECDSA_WITH_SHA1 : ECDSA_WITH[hash]));
  const tbs = derSequence(
    derExplicit(0, derInteger(2)),
    derInteger(spec.serial),
    algorithm,
    spec.issuerName ?? spec.issuer.name,
    derSequence(derUtcTime(spec.notBefore), derUtcTime(Math.min(spec.notAfter, LAST_UTC_TIME))),
    spec.subject,
    spec.spki,
    ...(spec.extensions.length > 0 ? [derExplicit(3, derSequence(...spec.extensions))] : []),
  );
  const signature = signData(spec.issuer, tbs, hash);
  const last = signature.length - 1;
  if (spec.corruptSignature) signature[last] = signature[last]! ^ 0x01;
  return derSequence(tbs, algorithm, derBitString(signature));
}
