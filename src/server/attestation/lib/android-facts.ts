// What an Android KeyDescription says, in the words of the result: security levels, boot
// state, versions and patch levels, the app, the device, the key's origin and purposes.

import type { AuthorizationList } from '@peculiar/asn1-android';
import type { OctetString } from '@peculiar/asn1-schema';
import { toHex, viewOf } from './encoding.js';
import { type ApplicationId, type KeyDescription, parseApplicationId } from './key-description.js';

/** Where an Android key lives, by the KeyDescription's SecurityLevel. */
export type AndroidSecurityLevel = 'software' | 'tee' | 'strongbox';

/** The verified-boot state of the device when the key was made. */
export type VerifiedBootState = 'verified' | 'self-signed' | 'unverified' | 'failed';

/** What a key may be used for (KeyMint KeyPurpose). */
export type AndroidKeyPurpose =
  | 'encrypt'
  | 'decrypt'
  | 'sign'
  | 'verify'
  | 'wrap-key'
  | 'agree-key'
  | 'attest-key';

/** How the key came to be (KeyMint KeyOrigin). */
export type AndroidKeyOrigin =
  | 'generated'
  | 'derived'
  | 'imported'
  | 'unknown'
  | 'securely-imported';

const LEVELS: readonly AndroidSecurityLevel[] = ['software', 'tee', 'strongbox'];
const BOOT_STATES: readonly VerifiedBootState[] = [
  'verified',
  'self-signed',
  'unverified',
  'failed',
];
const PURPOSES: Readonly<Record<number, AndroidKeyPurpose>> = {
  0: 'encrypt',
  1: 'decrypt',
  2: 'sign',
  3: 'verify',
  5: 'wrap-key',
  6: 'agree-key',
  7: 'attest-key',
};
const ORIGINS: readonly AndroidKeyOrigin[] = [
  'generated',
  'derived',
  'imported',
  'unknown',
  'securely-imported',
];

/** @internal A SecurityLevel value by name; `undefined` for a value this verifier does not know. */
export function securityLevelName(value: number): AndroidSecurityLevel | undefined {
  return LEVELS[value];
}

/** @internal How levels compare: software < tee < strongbox. */
export function securityRank(level: AndroidSecurityLevel): number {
  return LEVELS.indexOf(level);
}

/**
 * The device's state and the key's facts as an Android KeyDescription states them, part of
 * {@link AndroidKeyAttestation}.
 *
 * @example
 * ```ts
 * const state: AndroidDeviceState = await verifyAndroidKeyAttestation(x5c, policy);
 * if (state.osPatchLevel !== undefined && state.osPatchLevel < 202401) flagOutdated();
 * ```
 */
export interface AndroidDeviceState {
  readonly attestationVersion: number;
  /** The KeyMint (or Keymaster) version: 3, 4, 41, 100, 200, 300, 400, … */
  readonly keyMintVersion: number;
  readonly verifiedBootState: VerifiedBootState | undefined;
  /** Whether the bootloader was locked. */
  readonly deviceLocked: boolean | undefined;
  readonly verifiedBootKey: string | undefined;
  readonly verifiedBootHash: string | undefined;
  /** e.g. 160000 for Android 16. */
  readonly osVersion: number | undefined;
  /** `YYYYMM`. */
  readonly osPatchLevel: number | undefined;
  /** `YYYYMMDD`. */
  readonly vendorPatchLevel: number | undefined;
  /** `YYYYMMDD`. */
  readonly bootPatchLevel: number | undefined;
  /** When the key was made (ms), as Android says. */
  readonly createdAt: number | undefined;
  readonly origin: AndroidKeyOrigin | number | undefined;
  /** Attested device identifiers (brand, device, product, manufacturer, model), when present. */
  readonly device: Readonly<Record<string, string>> | undefined;
  /** KeyDescription tags this verifier does not know (kept, not acted on). */
  readonly unknownTags: readonly number[];
}

/** @internal The facts of a KeyDescription, with what the policy checks need. */
export interface AndroidFacts extends AndroidDeviceState {
  readonly attestationSecurityLevel: AndroidSecurityLevel | undefined;
  readonly securityLevel: AndroidSecurityLevel | undefined;
  /** The list the key's security level enforces (hardware, or software for software keys). */
  readonly enforced: AuthorizationList;
  readonly purposes: readonly (AndroidKeyPurpose | number)[] | undefined;
  readonly app: ApplicationId | undefined;
}

const DEVICE_IDS = [
  ['brand', 'attestationIdBrand'],
  ['device', 'attestationIdDevice'],
  ['product', 'attestationIdProduct'],
  ['manufacturer', 'attestationIdManufacturer'],
  ['model', 'attestationIdModel'],
] as const;

function text(value: OctetString): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(viewOf(value));
}

function num(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

/** @internal The facts of `description`. @throws `ATTESTATION_FAILED` (`malformed`) */
export function androidFacts(description: KeyDescription): AndroidFacts {
  const software = description.softwareEnforced;
  const hardware = description.hardwareEnforced;
  const securityLevel = securityLevelName(description.keyMintSecurityLevel);
  const enforced = securityLevel === 'software' ? software.values : hardware.values;
  const rootOfTrust = enforced.rootOfTrust;
  const appIdValue =
    software.values.attestationApplicationId ?? hardware.values.attestationApplicationId;
  const device: Record<string, string> = {};
  for (const [name, field] of DEVICE_IDS) {
    const value = hardware.values[field];
    if (value !== undefined) device[name] = text(value);
  }
  return {
    attestationVersion: description.attestationVersion,
    keyMintVersion: description.keyMintVersion,
    attestationSecurityLevel: securityLevelName(description.attestationSecurityLevel),
    securityLevel,
    enforced,
    purposes: enforced.purpose?.map((value) => PURPOSES[value] ?? value),
    origin:
      enforced.origin === undefined ? undefined : (ORIGINS[enforced.origin] ?? enforced.origin),
    verifiedBootState:
      rootOfTrust === undefined ? undefined : BOOT_STATES[rootOfTrust.verifiedBootState],
    deviceLocked: rootOfTrust?.deviceLocked,
    verifiedBootKey:
      rootOfTrust === undefined ? undefined : toHex(viewOf(rootOfTrust.verifiedBootKey)),
    verifiedBootHash:
      rootOfTrust?.verifiedBootHash === undefined
        ? undefined
        : toHex(viewOf(rootOfTrust.verifiedBootHash)),
    osVersion: num(enforced.osVersion),
    osPatchLevel: num(enforced.osPatchLevel),
    vendorPatchLevel: num(enforced.vendorPatchLevel),
    bootPatchLevel: num(enforced.bootPatchLevel),
    createdAt: num(software.values.creationDateTime ?? hardware.values.creationDateTime),
    app: appIdValue === undefined ? undefined : parseApplicationId(appIdValue),
    device: Object.keys(device).length === 0 ? undefined : device,
    unknownTags: [...software.unknown, ...hardware.unknown],
  };
}
