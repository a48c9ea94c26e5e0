// Certificate path validation for attestation chains: from the leaf up to a pinned root that
// is trusted by its public key, wherever in the chain that root's signature appears.

import { mustBe } from '../../../core/assert.js';
import { equalBytes } from '../../../core/bytes.js';
import { LruMap } from '../../lib/lru-map.js';
import { type ParsedCertificate, parseCertificate, sameName } from './certificate.js';
import { sha256Hex } from './digest.js';
import { decodeAnyBase64, pemCertificates, toHex } from './encoding.js';
import { refuseAttestation } from './refusal.js';
import { verifyWith } from './signature.js';

/** @internal A pinned root: its key, and the name the certificates it signs name as issuer. */
export type TrustAnchor = Pick<
  ParsedCertificate,
  'spki' | 'keyAlgorithm' | 'keyParameters' | 'publicKeyBytes' | 'subject' | 'subjectDer'
>;

/** @internal How a chain's signatures and issuers are checked. */
export interface ChainRules {
  /** Whether the leaf's issuer may lack basicConstraints cA / keyUsage keyCertSign. */
  readonly leafIssuerMayBeEndEntity: boolean;
  /** An extension that only the leaf may carry. */
  readonly leafOnlyExtension?: string;
}

/** @internal How a chain's dates are checked. */
export interface ValidityRules {
  /** The time at which certificates must be valid, in ms. */
  readonly now: number;
  /** Whether the leaf's own dates count (Android leaves carry dates the device made up). */
  readonly leafValidity: boolean;
  /** Whether the certificates above the leaf may be expired (their `notBefore` still counts). */
  readonly mayBeExpired: boolean;
}

/** @internal A chain whose signatures verified up to a root. */
export interface VerifiedChain {
  /** The leaf first, up to the certificate the root signed. */
  readonly path: readonly ParsedCertificate[];
  readonly anchor: TrustAnchor;
  /** Leniencies the rules allowed that applied here. */
  readonly warnings: readonly string[];
}

const anchorCache = new LruMap<string, TrustAnchor>(64);

/**
 * @internal The trust anchors for `roots` (PEM text or DER bytes, one certificate each).
 * @throws `INVALID_ARGUMENT` naming `what[index]`.
 */
export function trustAnchors(roots: unknown, what: string): TrustAnchor[] {
  if (!Array.isArray(roots) || roots.length === 0)
    mustBe(what, 'a non-empty array of certificates');
  return roots.map((root: unknown, index) => {
    const name = `${what}[${index}]`;
    const key =
      typeof root === 'string' ? root : root instanceof Uint8Array ? toHex(root) : undefined;
    if (key === undefined) return mustBe(name, 'a PEM certificate or its DER bytes');
    const cached = anchorCache.get(key);
    if (cached !== undefined) return cached;
    const der =
      typeof root === 'string'
        ? (pemCertificates(root)[0] ?? decodeAnyBase64(root.trim()))
        : (root as Uint8Array);
    if (der === undefined) return mustBe(name, 'a PEM certificate or its DER bytes');
    let anchor: TrustAnchor;
    try {
      anchor = parseCertificate(der, name);
    } catch (err) {
      return mustBe(name, 'a PEM certificate or its DER bytes', err);
    }
    anchorCache.set(key, anchor);
    return anchor;
  });
}

// Certificates whose signature verified under an issuer key, by the hash of both: the CAs of
// a chain (Droid CA2 and CA3, App Attest CA 1) are the same for many devices, and a
// signature check is deterministic, so each is verified once.
const verified = new LruMap<string, true>(1024);

async function verifyIssued(
  certificate: ParsedCertificate,
  issuer: TrustAnchor,
): Promise<ReturnType<typeof verifyWith>> {
  const key = `${sha256Hex(certificate.der)}:${sha256Hex(issuer.spki)}`;
  if (verified.get(key) === true) return true;
  const result = await verifyWith(
    issuer,
    certificate.signatureAlgorithm,
    certificate.signedBytes,
    certificate.signature,
  );
  if (result === true) verified.set(key, true);
  return result;
}

async function signedBy(certificate: ParsedCertificate, issuer: TrustAnchor): Promise<boolean> {
  return (await verifyIssued(certificate, issuer)) === true;
}

async function checkIssuedBy(
  certificate: ParsedCertificate,
  issuer: ParsedCertificate,
): Promise<void> {
  const claim = certificate.label;
  if (!sameName(certificate.issuer, certificate.issuerDer, issuer.subject, issuer.subjectDer)) {
    refuseAttestation('broken_chain', `${claim} was not issued by ${issuer.label}`, { claim });
  }
  const result = await verifyIssued(certificate, issuer);
  if (result === 'unsupported-algorithm') {
    refuseAttestation('unsupported', `${claim} uses a signature algorithm that is not accepted`, {
      claim,
      actual: certificate.signatureAlgorithm,
    });
  }
  if (result !== true)
    refuseAttestation('invalid_signature', `the signature of ${claim} does not verify`, { claim });
}

/**
 * @internal Checks the dates of `path` (from {@link verifyChain}) at `rules.now`; returns the
 * leniencies that applied.
 * @throws `ATTESTATION_FAILED` (`expired`, `not_yet_valid`)
 */
export function checkValidity(path: readonly ParsedCertificate[], rules: ValidityRules): string[] {
  const warnings: string[] = [];
  for (const [index, certificate] of path.entries()) {
    if (index === 0 && !rules.leafValidity) continue;
    const claim = certificate.label;
    if (certificate.notBefore > rules.now) {
      refuseAttestation('not_yet_valid', `${claim} is not valid yet`, {
        claim,
        expected: `from ${new Date(certificate.notBefore).toISOString()}`,
        actual: new Date(rules.now).toISOString(),
      });
    }
    if (certificate.notAfter < rules.now) {
      if (!rules.mayBeExpired || index === 0) {
        refuseAttestation('expired', `${claim} has expired`, {
          claim,
          expected: `until ${new Date(certificate.notAfter).toISOString()}`,
          actual: new Date(rules.now).toISOString(),
        });
      }
      warnings.push(`${claim} expired; accepted (factory-provisioned chain)`);
    }
  }
  return warnings;
}

/**
 * @internal Verifies `chain` (leaf first) up to one of `anchors`: names chain, every signature
 * verifies, issuers are CAs (the leaf's own issuer excepted when the rules allow), and no
 * certificate but the leaf carries the leaf-only extension. Dates: {@link checkValidity}.
 * Certificates after the one a root signed may only be copies of a root (same key).
 * @throws `ATTESTATION_FAILED`
 */
export async function verifyChain(
  chain: readonly ParsedCertificate[],
  anchors: readonly TrustAnchor[],
  rules: ChainRules,
): Promise<VerifiedChain> {
  const warnings: string[] = [];
  const only = rules.leafOnlyExtension;
  // The forged-leaf attack: a genuine attested key (whose certificate carries the extension)
  // signs a made-up leaf. Only the leaf may describe a key (Google's verifier rejects this too).
  for (const certificate of chain.slice(1)) {
    if (only !== undefined && certificate.extensions.has(only)) {
      refuseAttestation(
        'chain_extended',
        `${certificate.label} carries the attestation extension, which only the leaf may carry`,
        { claim: certificate.label },
      );
    }
  }
  for (let index = 0; index < chain.length; index++) {
    const certificate = chain[index]!;
    let anchor: TrustAnchor | undefined;
    for (const candidate of anchors) {
      if (
        sameName(
          certificate.issuer,
          certificate.issuerDer,
          candidate.subject,
          candidate.subjectDer,
        ) &&
        (await signedBy(certificate, candidate))
      ) {
        anchor = candidate;
        break;
      }
    }
    if (anchor !== undefined) {
      for (const extra of chain.slice(index + 1)) {
        if (!anchors.some((root) => equalBytes(root.spki, extra.spki))) {
          refuseAttestation('malformed', `${extra.label} follows the root`, { claim: extra.label });
        }
      }
      return { path: chain.slice(0, index + 1), anchor, warnings };
    }
    const issuer = chain[index + 1];
    if (issuer === undefined) {
      refuseAttestation('untrusted_root', `${certificate.label} does not chain to a trusted root`, {
        claim: certificate.label,
      });
    }
    await checkIssuedBy(certificate, issuer);
    if (issuer.isCa !== true || issuer.keyCertSign === false) {
      if (index > 0 || !rules.leafIssuerMayBeEndEntity) {
        refuseAttestation('not_a_ca', `${issuer.label} is not a certificate authority`, {
          claim: issuer.label,
        });
      }
      warnings.push(
        `${issuer.label} is not marked as a CA; accepted (the device's attestation key)`,
      );
    }
  }
  // Unreachable: the loop returns or throws at the last certificate.
  return refuseAttestation('untrusted_root', 'the chain is empty', { claim: 'x5c' });
}
