// X.509 certificates of attestation chains, parsed with @peculiar/asn1-x509 into the few facts
// a chain check needs: signed bytes, names, validity, key, serial, and extensions by OID.

import { AsnConvert, AsnParser, type BitString } from '@peculiar/asn1-schema';
import {
  BasicConstraints,
  Certificate,
  id_ce_basicConstraints,
  id_ce_keyUsage,
  KeyUsage,
  KeyUsageFlags,
  type Name,
} from '@peculiar/asn1-x509';
import { equalBytes } from '../../../core/bytes.js';
import { LruMap } from '../../lib/lru-map.js';
import { sha256Hex } from './digest.js';
import { toHex, viewOf } from './encoding.js';
import { refuseAttestation } from './refusal.js';

/** @internal Limits for untrusted DER: certificates here are a few KiB and shallow. */
export const BER_LIMITS = { maxDepth: 24, maxNodes: 4096, maxContentLength: 65_536 };

/** @internal One extension. */
export interface CertificateExtension {
  readonly critical: boolean;
  readonly value: Uint8Array;
}

/** @internal A parsed certificate. */
export interface ParsedCertificate {
  /** Where it came from, for messages and `detail.claim` (`x5c[1]`). */
  readonly label: string;
  readonly der: Uint8Array;
  /** The exact signed bytes (`tbsCertificate` as received). */
  readonly signedBytes: Uint8Array;
  readonly signatureAlgorithm: string;
  readonly signatureParameters: Uint8Array | null | undefined;
  readonly signature: Uint8Array;
  /** The serial as Google's status list spells it: lowercase hex without leading zeros. */
  readonly serial: string;
  readonly issuer: Name;
  readonly issuerDer: Uint8Array;
  readonly subject: Name;
  readonly subjectDer: Uint8Array;
  readonly notBefore: number;
  readonly notAfter: number;
  /** The SubjectPublicKeyInfo, DER. */
  readonly spki: Uint8Array;
  readonly keyAlgorithm: string;
  readonly keyParameters: Uint8Array | null | undefined;
  /** The subjectPublicKey BIT STRING contents (an EC point, or an RSAPublicKey). */
  readonly publicKeyBytes: Uint8Array;
  readonly extensions: ReadonlyMap<string, CertificateExtension>;
  /** basicConstraints cA, or `undefined` without the extension. */
  readonly isCa: boolean | undefined;
  /** Whether keyUsage allows keyCertSign; `undefined` without the extension. */
  readonly keyCertSign: boolean | undefined;
}

function optionalBytes(value: ArrayBuffer | null | undefined): Uint8Array | null | undefined {
  return value === null || value === undefined ? value : viewOf(value);
}

/** @internal A serial number's bytes as lowercase hex without leading zeros (signed, like Java's BigInteger). */
export function serialHex(bytes: Uint8Array): string {
  if (bytes.length === 0) return '0';
  let value = BigInt(`0x${toHex(bytes)}`);
  if ((bytes[0]! & 0x80) !== 0) value -= 1n << BigInt(bytes.length * 8);
  return value.toString(16);
}

function parseExtensions(
  certificate: Certificate,
  label: string,
): Map<string, CertificateExtension> {
  const out = new Map<string, CertificateExtension>();
  for (const extension of certificate.tbsCertificate.extensions ?? []) {
    // RFC 5280 §4.2: a certificate must not include more than one instance of an extension.
    if (out.has(extension.extnID)) {
      refuseAttestation('malformed', `${label} repeats extension ${extension.extnID}`, {
        claim: label,
      });
    }
    out.set(extension.extnID, {
      critical: extension.critical,
      value: viewOf(extension.extnValue),
    });
  }
  return out;
}

function readExtension<T>(
  extensions: ReadonlyMap<string, CertificateExtension>,
  oid: string,
  type: new () => T,
  label: string,
): T | undefined {
  const extension = extensions.get(oid);
  if (extension === undefined) return undefined;
  try {
    return AsnParser.parse(extension.value, type, { berOptions: BER_LIMITS });
  } catch (err) {
    return refuseAttestation(
      'malformed',
      `${label} has a malformed extension ${oid}`,
      {
        claim: label,
      },
      err,
    );
  }
}

// Parsed certificates by the hash of their bytes: the CAs of a chain repeat across devices,
// and parsing is what costs most in a verification. Entries are never changed.
const parsed = new LruMap<string, ParsedCertificate>(1024);

/**
 * @internal Parses one DER certificate (or finds it parsed before).
 * @throws `ATTESTATION_FAILED` (`malformed`) naming `label`.
 */
export function parseCertificate(der: Uint8Array, label: string): ParsedCertificate {
  const key = sha256Hex(der);
  const cached = parsed.get(key);
  if (cached !== undefined) return cached.label === label ? cached : { ...cached, label };
  const certificate = parse(der, label);
  parsed.set(key, certificate);
  return certificate;
}

function parse(der: Uint8Array, label: string): ParsedCertificate {
  let certificate: Certificate;
  try {
    certificate = AsnParser.parse(der, Certificate, { berOptions: BER_LIMITS });
  } catch (err) {
    return refuseAttestation(
      'malformed',
      `${label} is not a DER X.509 certificate`,
      {
        claim: label,
      },
      err,
    );
  }
  const tbs = certificate.tbsCertificate;
  const signedBytes = certificate.tbsCertificateRaw;
  if (signedBytes === undefined)
    refuseAttestation('malformed', `${label} has no signed part`, { claim: label });
  // RFC 5280 §4.1.1.2: the outer algorithm must equal the one inside the signed part.
  if (!tbs.signature.isEqual(certificate.signatureAlgorithm)) {
    refuseAttestation('malformed', `${label} names two different signature algorithms`, {
      claim: label,
    });
  }
  const extensions = parseExtensions(certificate, label);
  const usage = readExtension<BitString>(extensions, id_ce_keyUsage, KeyUsage, label);
  const spki = tbs.subjectPublicKeyInfo;
  return {
    label,
    der: der.slice(),
    signedBytes: viewOf(signedBytes),
    signatureAlgorithm: certificate.signatureAlgorithm.algorithm,
    signatureParameters: optionalBytes(certificate.signatureAlgorithm.parameters),
    signature: viewOf(certificate.signatureValue),
    serial: serialHex(viewOf(tbs.serialNumber)),
    issuer: tbs.issuer,
    issuerDer: viewOf(AsnConvert.serialize(tbs.issuer)),
    subject: tbs.subject,
    subjectDer: viewOf(AsnConvert.serialize(tbs.subject)),
    notBefore: tbs.validity.notBefore.getTime().getTime(),
    notAfter: tbs.validity.notAfter.getTime().getTime(),
    spki: viewOf(AsnConvert.serialize(spki)),
    keyAlgorithm: spki.algorithm.algorithm,
    keyParameters: optionalBytes(spki.algorithm.parameters),
    publicKeyBytes: viewOf(spki.subjectPublicKey),
    extensions,
    isCa: readExtension(extensions, id_ce_basicConstraints, BasicConstraints, label)?.cA,
    keyCertSign:
      usage === undefined ? undefined : (usage.toNumber() & KeyUsageFlags.keyCertSign) !== 0,
  };
}

function normalizedName(name: Name): string {
  return JSON.stringify(
    name.map((rdn) =>
      rdn
        .map((atv) => {
          const value =
            atv.value.anyValue === undefined
              ? atv.value.toString().trim().replace(/\s+/g, ' ').toLowerCase()
              : toHex(viewOf(atv.value.anyValue));
          return `${atv.type}=${value}`;
        })
        .sort(),
    ),
  );
}

/**
 * @internal Whether two names are the same: byte for byte, or after the RFC 5280 §7.1
 * comparison rules that matter in practice (string type, case, surrounding and repeated
 * spaces), so a CA that re-encoded its name as another string type still chains.
 */
export function sameName(a: Name, aDer: Uint8Array, b: Name, bDer: Uint8Array): boolean {
  return equalBytes(aDer, bDer) || normalizedName(a) === normalizedName(b);
}

/** @internal The value of the subject's first attribute of type `oid`, if any. */
export function nameAttribute(name: Name, oid: string): string | undefined {
  for (const rdn of name) {
    for (const atv of rdn) if (atv.type === oid) return atv.value.toString();
  }
  return undefined;
}
