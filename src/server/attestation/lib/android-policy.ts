// The policy checks of Android key attestation, after the chain verified: security levels,
// origin, purposes, the app, the device's boot state and lock, patch level, revocation.

import { mustBe } from '../../../core/assert.js';
import type { RevocationList } from '../revocation-list.js';
import {
  type AndroidFacts,
  type AndroidKeyPurpose,
  type AndroidSecurityLevel,
  securityRank,
} from './android-facts.js';
import { toHex } from './encoding.js';
import { refuseAttestation } from './refusal.js';

/** @internal The device part of a policy, checked and with its defaults. */
export interface AndroidRules {
  readonly minSecurityLevel: AndroidSecurityLevel;
  readonly requireVerifiedBoot: boolean;
  readonly requireDeviceLocked: boolean;
  readonly packageNames: readonly string[] | undefined;
  readonly signatureDigests: readonly string[] | undefined;
  readonly minOsPatchLevel: number | undefined;
  readonly expectedPurpose: 'sign' | 'encrypt' | undefined;
}

function flag(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') mustBe(name, 'a boolean');
  return value;
}

function strings(
  value: unknown,
  name: string,
  pattern: RegExp,
  what: string,
): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) mustBe(name, `a non-empty array of ${what}`);
  return value.map((item: unknown, index) => {
    if (typeof item !== 'string' || !pattern.test(item)) mustBe(`${name}[${index}]`, what);
    return item;
  });
}

/** @internal Reads the device part of an Android policy. @throws `INVALID_ARGUMENT` */
export function readAndroidRules(policy: Record<string, unknown>, prefix: string): AndroidRules {
  const level = policy.minSecurityLevel ?? 'tee';
  if (level !== 'software' && level !== 'tee' && level !== 'strongbox')
    mustBe(`${prefix}.minSecurityLevel`, '"software", "tee" or "strongbox"');
  const purpose = policy.expectedPurpose;
  if (purpose !== undefined && purpose !== 'sign' && purpose !== 'encrypt')
    mustBe(`${prefix}.expectedPurpose`, '"sign" or "encrypt"');
  const patch = policy.minOsPatchLevel;
  if (patch !== undefined && (!Number.isInteger(patch) || (patch as number) < 200_000))
    mustBe(`${prefix}.minOsPatchLevel`, 'a patch level YYYYMM, e.g. 202501');
  const digests = strings(
    policy.signatureDigests,
    `${prefix}.signatureDigests`,
    /^([0-9a-fA-F]{2}:?){31}[0-9a-fA-F]{2}$/,
    'SHA-256 digests in hex',
  );
  return {
    minSecurityLevel: level,
    requireVerifiedBoot: flag(policy.requireVerifiedBoot, `${prefix}.requireVerifiedBoot`, true),
    requireDeviceLocked: flag(policy.requireDeviceLocked, `${prefix}.requireDeviceLocked`, true),
    packageNames: strings(
      policy.packageNames,
      `${prefix}.packageNames`,
      /^.{1,255}$/,
      'package names',
    ),
    signatureDigests: digests?.map((digest) => digest.replace(/:/g, '').toLowerCase()),
    minOsPatchLevel: patch as number | undefined,
    expectedPurpose: purpose,
  };
}

function checkSecurityLevels(facts: AndroidFacts, rules: AndroidRules): void {
  for (const [claim, level] of [
    ['attestationSecurityLevel', facts.attestationSecurityLevel],
    ['keyMintSecurityLevel', facts.securityLevel],
  ] as const) {
    const wanted = rules.minSecurityLevel;
    if (level === 'software' && wanted !== 'software') {
      refuseAttestation('software_key', `the key is not in secure hardware (${claim} Software)`, {
        claim,
        expected: wanted,
        actual: level,
      });
    }
    if (level === undefined || securityRank(level) < securityRank(wanted)) {
      refuseAttestation('security_level', `the ${claim} is below the policy's ${wanted}`, {
        claim,
        expected: wanted,
        actual: level ?? 'unknown',
      });
    }
  }
}

// A signing key must not decrypt or agree keys, and an encryption key must not sign (one key
// for both would make a decryption oracle a signing oracle); neither may attest other keys.
const FORBIDDEN: Readonly<Record<'sign' | 'encrypt', readonly AndroidKeyPurpose[]>> = {
  sign: ['decrypt', 'wrap-key', 'agree-key', 'attest-key'],
  encrypt: ['sign', 'attest-key'],
};
const NEEDED: Readonly<Record<'sign' | 'encrypt', readonly AndroidKeyPurpose[]>> = {
  sign: ['sign'],
  encrypt: ['decrypt', 'agree-key'],
};

function checkPurposes(facts: AndroidFacts, wanted: 'sign' | 'encrypt'): void {
  const purposes = facts.purposes ?? [];
  const fits =
    NEEDED[wanted].some((purpose) => purposes.includes(purpose)) &&
    !FORBIDDEN[wanted].some((purpose) => purposes.includes(purpose));
  if (!fits) {
    refuseAttestation('wrong_purpose', `the key's purposes do not fit a ${wanted} key`, {
      claim: 'purpose',
      expected: wanted,
      actual: purposes.join(',') || 'none',
    });
  }
}

function checkApp(facts: AndroidFacts, rules: AndroidRules): void {
  const { packageNames, signatureDigests } = rules;
  if (packageNames === undefined && signatureDigests === undefined) return;
  const app = facts.app;
  if (
    packageNames !== undefined &&
    !app?.packages.some((entry) => packageNames.includes(entry.name))
  ) {
    refuseAttestation('wrong_app', 'the key was not made by an allowed package', {
      claim: 'attestationApplicationId.packageName',
      actual: app?.packages.map((entry) => entry.name).join(',') ?? 'absent',
    });
  }
  const digests = app?.signatureDigests.map(toHex) ?? [];
  if (
    signatureDigests !== undefined &&
    !digests.some((digest) => signatureDigests.includes(digest))
  ) {
    refuseAttestation(
      'wrong_app',
      'the app that made the key is not signed by an allowed certificate',
      {
        claim: 'attestationApplicationId.signatureDigest',
        actual: digests.join(',') || 'absent',
      },
    );
  }
}

function checkDevice(facts: AndroidFacts, rules: AndroidRules): void {
  if (rules.requireDeviceLocked && facts.deviceLocked !== true) {
    refuseAttestation('device_unlocked', "the device's bootloader is not locked", {
      claim: 'rootOfTrust.deviceLocked',
      expected: 'true',
      actual: facts.deviceLocked === undefined ? 'absent' : String(facts.deviceLocked),
    });
  }
  if (rules.requireVerifiedBoot && facts.verifiedBootState !== 'verified') {
    refuseAttestation('boot_not_verified', 'the device did not boot a verified system', {
      claim: 'rootOfTrust.verifiedBootState',
      expected: 'verified',
      actual: facts.verifiedBootState ?? 'absent',
    });
  }
  const minimum = rules.minOsPatchLevel;
  if (minimum !== undefined && !((facts.osPatchLevel ?? 0) >= minimum)) {
    refuseAttestation('patch_level', "the device's security patch level is older than allowed", {
      claim: 'osPatchLevel',
      expected: `≥ ${minimum}`,
      actual: facts.osPatchLevel === undefined ? 'absent' : String(facts.osPatchLevel),
    });
  }
}

/**
 * @internal Checks a KeyDescription's facts against the rules, in this order: security levels,
 * origin, purposes, app, device lock, verified boot, patch level.
 * @throws `ATTESTATION_FAILED`
 */
export function checkAndroidFacts(facts: AndroidFacts, rules: AndroidRules): void {
  checkSecurityLevels(facts, rules);
  if (facts.origin !== 'generated') {
    // An imported key may exist outside the device too; only a key made inside is bound to it.
    refuseAttestation('not_generated', 'the key was not generated on the device', {
      claim: 'origin',
      expected: 'generated',
      actual: String(facts.origin ?? 'absent'),
    });
  }
  if (rules.expectedPurpose !== undefined) checkPurposes(facts, rules.expectedPurpose);
  checkApp(facts, rules);
  checkDevice(facts, rules);
}

/** @internal What the revocation check found. */
export interface RevocationOutcome {
  readonly revocation: 'checked' | 'unavailable' | 'not-checked';
  readonly warnings: readonly string[];
}

/**
 * @internal Looks every serial of the chain up in the status list.
 * @throws `ATTESTATION_FAILED` (`revoked`, `suspended`, `unavailable`)
 */
export async function checkRevocation(
  list: RevocationList | false,
  certificates: readonly { readonly serial: string; readonly label: string }[],
): Promise<RevocationOutcome> {
  if (list === false) return { revocation: 'not-checked', warnings: [] };
  const { available, entries } = await list.lookup(certificates.map((cert) => cert.serial));
  if (!available) {
    if (list.whenUnavailable === 'refuse') {
      refuseAttestation('unavailable', 'the attestation status list could not be had', {
        claim: 'revocation',
      });
    }
    return { revocation: 'unavailable', warnings: ['the status list was unavailable; accepted'] };
  }
  const warnings: string[] = [];
  for (const { serial, label } of certificates) {
    const entry = entries.get(serial);
    if (entry === undefined) continue;
    const detail = { claim: label, actual: `${entry.status} ${entry.reason ?? ''}`.trim() };
    if (entry.status === 'SUSPENDED') {
      if (list.suspended === 'refuse')
        refuseAttestation('suspended', `${label} (serial ${serial}) is suspended`, detail);
      warnings.push(`${label} (serial ${serial}) is suspended; accepted`);
      continue;
    }
    // REVOKED, and any status this verifier does not know: fail closed.
    refuseAttestation('revoked', `${label} (serial ${serial}) is revoked`, detail);
  }
  return { revocation: 'checked', warnings };
}
