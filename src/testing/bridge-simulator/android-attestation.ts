// Simulated Android key attestation, shaped like the real thing: remotely provisioned chains
// (leaf ← attestation key ← Droid CA3 ← Droid CA2 ← root) and factory chains (leaf ← batch key
// ← intermediate ← root), the KeyDescription extension (OID 1.3.6.1.4.1.11129.2.1.17) with the
// device's facts, and faults for every refusal a verifier owes. The root is a test root.

import { sha256 } from '@noble/hashes/sha2.js';
import { decodeBase64url, encodeBase64 } from '../../core/base64url.js';
import { concatBytes } from '../../core/bytes.js';
import type { PublicJwk } from '../../core/jwk.js';
import { utf8Encode } from '../../core/utf8.js';
import {
  basicConstraints,
  distinguishedName,
  ecSpki,
  extension,
  issueCertificate,
  keyUsage,
  newSigner,
  type Signer,
} from './certificate-writer.js';
import {
  derBoolean,
  derElement,
  derEnumerated,
  derInteger,
  derNull,
  derOctetString,
  derOid,
  derSequence,
  derSet,
  derTagged,
} from './der-writer.js';

/** The OID of the Android key attestation extension. */
export const KEY_DESCRIPTION_OID = '1.3.6.1.4.1.11129.2.1.17';

/**
 * A fault in a simulated Android attestation, each one a refusal a verifier owes:
 * `untrusted-root` (issued under a root nobody trusts), `bad-signature` (the leaf's signature
 * does not verify), `broken-chain` (the leaf names another issuer), `forged-leaf` (a genuine
 * attested key signs a made-up leaf: the KeyDescription appears below the leaf),
 * `intermediate-not-ca` (a CA above the attestation key is not marked as one),
 * `expired-intermediates` (the chain's intermediates have expired), `no-key-description`,
 * `malformed-key-description`, `duplicate-tag` (a KeyDescription tag given twice),
 * `weak-signature-algorithm` (the leaf is signed under ecdsa-with-SHA1). `unknown-tags` is not a
 * fault: it adds KeyMint tags a verifier does not know, which it must survive.
 */
export type AndroidAttestationFault =
  | 'untrusted-root'
  | 'bad-signature'
  | 'broken-chain'
  | 'forged-leaf'
  | 'intermediate-not-ca'
  | 'expired-intermediates'
  | 'no-key-description'
  | 'malformed-key-description'
  | 'duplicate-tag'
  | 'weak-signature-algorithm'
  | 'unknown-tags';

/** What a simulated Android attestation says; every fact has a default of a healthy device. */
export interface AndroidAttestationOptions {
  /** The key to attest: a P-256 or RSA public JWK, or its SubjectPublicKeyInfo (DER). */
  publicKey: PublicJwk | Uint8Array;
  /** The attestation challenge. */
  challenge: Uint8Array;
  /** `remote` (RKP, default) or `factory`-provisioned attestation key. */
  provisioning?: 'remote' | 'factory';
  /** Where the key lives (default `tee`); `software` also makes the attestation software. */
  securityLevel?: 'software' | 'tee' | 'strongbox';
  /** KeyDescription attestationVersion (default 300); keyMintVersion follows it. */
  attestationVersion?: number;
  /** What the key is for (default `sign`): sets its purposes. */
  purpose?: 'sign' | 'encrypt';
  /** KeyPurpose values instead (0 encrypt, 1 decrypt, 2 sign, 3 verify, 6 agree key, 7 attest key). */
  purposes?: readonly number[];
  /** How the key came to be (default `generated`). */
  origin?: 'generated' | 'imported';
  /** The package that made the key (default `com.example.app`). */
  packageName?: string;
  /** SHA-256 of the app signing certificate (default: that of a fixed test certificate). */
  signatureDigest?: Uint8Array;
  /** Whether the bootloader is locked (default true). */
  deviceLocked?: boolean;
  /** The verified-boot state (default `verified`). */
  verifiedBootState?: 'verified' | 'self-signed' | 'unverified' | 'failed';
  /** Whether the KeyDescription carries a RootOfTrust (default true). */
  rootOfTrust?: boolean;
  /** Android version (default 150000) and patch levels (default 202501 / 20250105). */
  osVersion?: number;
  osPatchLevel?: number;
  vendorPatchLevel?: number;
  bootPatchLevel?: number;
  /** When the key was made, ms (default: the authority's clock). */
  createdAt?: number;
  /** `oem`: the factory batch key's certificate is not a CA, as some OEMs issue it (default `ca`). */
  attestationKeyUsage?: 'ca' | 'oem';
  faults?: readonly AndroidAttestationFault[];
}

/** A simulated Android attestation. */
export interface SimulatedAndroidAttestation {
  /** The chain, leaf first, root copy last, as standard base64 (JWS `x5c`). */
  readonly x5c: string[];
  /** Each certificate's serial as Google's status list spells it (lowercase hex), leaf first. */
  readonly serials: string[];
}

/** The default signing-certificate digest (SHA-256, hex) of simulated apps. */
export const TEST_APP_SIGNATURE_DIGEST =
  'd92c9ed914420e0d4c75607fea1777dc6af757fd657fef2b00d27021719f302d';

const DAY = 86_400_000;
const YEAR = 365 * DAY;
const CN = '2.5.4.3';
const O = '2.5.4.10';
const SERIAL_NUMBER = '2.5.4.5';
const TITLE = '2.5.4.12';
const LEAF_NOT_BEFORE = 0;
const LEAF_NOT_AFTER = Date.UTC(2048, 0, 1);
const BOOT_STATES = { verified: 0, 'self-signed': 1, unverified: 2, failed: 3 } as const;
const LEVELS = { software: 0, tee: 1, strongbox: 2 } as const;

function randomHex(bytes: number): string {
  const out = globalThis.crypto.getRandomValues(new Uint8Array(bytes));
  out[0] = (out[0]! & 0x7f) | 0x10;
  let hex = '';
  for (const byte of out) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** A certificate and the signer of its key. */
interface Issued {
  readonly signer: Signer;
  readonly der: Uint8Array;
  readonly serial: string;
  readonly notAfter: number;
}

function rsaSpki(jwk: { n: string; e: string }): Uint8Array {
  const unsignedInteger = (value: string) => {
    const bytes = decodeBase64url(value);
    return derElement(
      0x02,
      (bytes[0]! & 0x80) === 0 ? bytes : concatBytes(Uint8Array.of(0), bytes),
    );
  };
  return derSequence(
    derSequence(derOid('1.2.840.113549.1.1.1'), derNull()),
    derElement(0x03, Uint8Array.of(0), derSequence(unsignedInteger(jwk.n), unsignedInteger(jwk.e))),
  );
}

function spkiOf(key: PublicJwk | Uint8Array): Uint8Array {
  if (key instanceof Uint8Array) return key;
  if (key.kty === 'EC')
    return ecSpki(
      'P-256',
      concatBytes(Uint8Array.of(4), decodeBase64url(key.x), decodeBase64url(key.y)),
    );
  if (key.kty === 'RSA') return rsaSpki(key);
  throw new TypeError('the simulator attests P-256 and RSA keys');
}

/** `[tag] EXPLICIT` authorization entries, in ascending tag order as KeyMint writes them. */
function authorizationList(entries: Map<number, Uint8Array>, ...extra: Uint8Array[]): Uint8Array {
  const tags = [...entries.keys()].sort((a, b) => a - b);
  return derSequence(...tags.map((tag) => derTagged(tag, entries.get(tag)!)), ...extra);
}

function keyDescription(
  options: AndroidAttestationOptions,
  spki: Uint8Array,
  now: number,
): Uint8Array {
  const faults = options.faults ?? [];
  const level = LEVELS[options.securityLevel ?? 'tee'];
  const version = options.attestationVersion ?? 300;
  // Keymaster 3, 4 and 4.1 report attestation versions 2, 3 and 4.
  const keyMintVersion = version === 2 ? 3 : version === 3 ? 4 : version === 4 ? 41 : version;
  const isRsa = spki.length > 200;
  const purposes =
    options.purposes ?? ((options.purpose ?? 'sign') === 'sign' ? [2, 3] : isRsa ? [0, 1] : [6]);
  const hardware = new Map<number, Uint8Array>([
    [1, derSet(...purposes.map((purpose) => derInteger(purpose)))],
    [2, derInteger(isRsa ? 1 : 3)],
    [3, derInteger(isRsa ? 2048 : 256)],
    [5, derSet(derInteger(4))],
    [503, derNull()],
    [702, derInteger(options.origin === 'imported' ? 2 : 0)],
    [705, derInteger(options.osVersion ?? 150_000)],
    [706, derInteger(options.osPatchLevel ?? 202_501)],
    [718, derInteger(options.vendorPatchLevel ?? 20_250_105)],
    [719, derInteger(options.bootPatchLevel ?? 20_250_105)],
  ]);
  if (!isRsa) hardware.set(10, derInteger(1));
  if (options.rootOfTrust ?? true) {
    hardware.set(
      704,
      derSequence(
        derOctetString(sha256(utf8Encode('devicebind test verified boot key'))),
        derBoolean(options.deviceLocked ?? true),
        derEnumerated(BOOT_STATES[options.verifiedBootState ?? 'verified']),
        derOctetString(sha256(utf8Encode('devicebind test vbmeta'))),
      ),
    );
  }
  if (faults.includes('unknown-tags')) {
    // blockMode (4) is known to KeyMint but not to every parser; 799 to nobody yet.
    hardware.set(4, derSet(derInteger(1)));
    hardware.set(799, derSequence(derInteger(7), derOctetString(Uint8Array.of(1, 2))));
  }
  const applicationId = derSequence(
    derSet(
      derSequence(
        derOctetString(utf8Encode(options.packageName ?? 'com.example.app')),
        derInteger(1),
      ),
    ),
    derSet(derOctetString(options.signatureDigest ?? hexBytes(TEST_APP_SIGNATURE_DIGEST))),
  );
  const software = new Map<number, Uint8Array>([
    [701, derInteger(options.createdAt ?? now)],
    [709, derOctetString(applicationId)],
  ]);
  // A software key has nothing enforced in hardware.
  if (level === 0) for (const [tag, value] of hardware) software.set(tag, value);
  // A second creationDateTime: a list that says two things.
  const duplicate = faults.includes('duplicate-tag') ? [derTagged(701, derInteger(0))] : [];
  const softwareList = authorizationList(software, ...duplicate);
  const description = derSequence(
    derInteger(version),
    derEnumerated(level),
    derInteger(keyMintVersion),
    derEnumerated(level),
    derOctetString(options.challenge),
    derOctetString(new Uint8Array(0)),
    softwareList,
    authorizationList(level === 0 ? new Map() : hardware),
  );
  return faults.includes('malformed-key-description')
    ? description.subarray(0, description.length - 3)
    : description;
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g)!, (pair) => Number.parseInt(pair, 16));
}

/** @internal A certificate as PEM text. */
export function pem(der: Uint8Array): string {
  const lines = encodeBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** @internal Issues Android attestation chains under one test root. */
export class AndroidAttestationIssuer {
  readonly #now: () => number;
  readonly #root: Issued;
  #ca: { ca2: Issued; ca3: Issued } | undefined;
  readonly #attestationKeys = new Map<string, Issued>();
  readonly #factory = new Map<string, { intermediate: Issued; batch: Issued }>();
  #stranger: AndroidAttestationIssuer | undefined;

  constructor(now: () => number) {
    this.#now = now;
    const time = now();
    const name = distinguishedName([CN, 'devicebind test attestation root']);
    const signer = newSigner('P-384', name);
    this.#root = this.#issue(signer, signer, {
      serial: randomHex(8),
      notBefore: time - 2 * YEAR,
      notAfter: time + 20 * YEAR,
      extensions: [basicConstraints(true), keyUsage(0x06)],
    });
  }

  /** The root certificate, PEM: what `policy.roots` of a verifier trusts. */
  get rootPem(): string {
    return pem(this.#root.der);
  }

  #issue(
    signer: Signer,
    issuer: Signer,
    spec: { serial: string; notBefore: number; notAfter: number; extensions: Uint8Array[] },
  ): Issued {
    const der = issueCertificate({
      serial: BigInt(`0x${spec.serial}`),
      issuer,
      subject: signer.name,
      spki: signer.spki,
      notBefore: spec.notBefore,
      notAfter: spec.notAfter,
      extensions: spec.extensions,
    });
    return { signer, der, serial: spec.serial.replace(/^0+/, ''), notAfter: spec.notAfter };
  }

  #intermediate(
    name: Uint8Array,
    curve: 'P-256' | 'P-384',
    issuer: Signer,
    lifetime: [number, number],
    ca: boolean,
    serialBytes: number,
  ): Issued {
    const time = this.#now();
    return this.#issue(newSigner(curve, name), issuer, {
      serial: randomHex(serialBytes),
      notBefore: time - lifetime[0],
      notAfter: time + lifetime[1],
      extensions: ca
        ? [basicConstraints(true), keyUsage(0x04)]
        : [basicConstraints(false), keyUsage(0x80)],
    });
  }

  /** The remote-provisioning CAs and this security level's attestation key, rotated as they age. */
  #remote(level: string, faults: readonly AndroidAttestationFault[]): Issued[] {
    const time = this.#now();
    const notCa = faults.includes('intermediate-not-ca');
    if (this.#ca === undefined || this.#ca.ca3.notAfter - DAY < time || notCa) {
      const ca2Name = distinguishedName([O, 'Google LLC'], [CN, 'Droid CA2']);
      const ca2 = this.#intermediate(
        ca2Name,
        'P-384',
        this.#root.signer,
        [400 * DAY, 15 * YEAR],
        true,
        10,
      );
      const ca3Name = distinguishedName([O, 'Google LLC'], [CN, 'Droid CA3']);
      const ca3 = this.#intermediate(ca3Name, 'P-256', ca2.signer, [2 * DAY, 68 * DAY], !notCa, 19);
      if (notCa) return this.#attestationKey(level, { ca2, ca3 }, faults, false);
      this.#ca = { ca2, ca3 };
      this.#attestationKeys.clear();
    }
    return this.#attestationKey(level, this.#ca, faults, true);
  }

  #attestationKey(
    level: string,
    ca: { ca2: Issued; ca3: Issued },
    faults: readonly AndroidAttestationFault[],
    keep: boolean,
  ): Issued[] {
    const time = this.#now();
    const expired = faults.includes('expired-intermediates');
    let key = keep && !expired ? this.#attestationKeys.get(level) : undefined;
    if (key === undefined || key.notAfter - DAY < time) {
      const name = distinguishedName(
        [CN, randomHex(16)],
        [O, level === 'strongbox' ? 'StrongBox' : 'TEE'],
      );
      // RKP attestation keys live for days; an expired one is from 20 days ago.
      const lifetime: [number, number] = expired ? [20 * DAY, -11 * DAY] : [DAY, 8 * DAY];
      key = this.#intermediate(name, 'P-256', ca.ca3.signer, lifetime, true, 16);
      if (keep && !expired) this.#attestationKeys.set(level, key);
    }
    return [key, ca.ca3, ca.ca2];
  }

  /** The factory intermediate and this level's batch key. */
  #factoryKeys(level: string, options: AndroidAttestationOptions): Issued[] {
    const faults = options.faults ?? [];
    const expired = faults.includes('expired-intermediates');
    const notCa = faults.includes('intermediate-not-ca');
    const oem = options.attestationKeyUsage === 'oem';
    const cacheKey = `${level}:${oem}`;
    let keys = expired || notCa ? undefined : this.#factory.get(cacheKey);
    if (keys === undefined) {
      const lifetime: [number, number] = expired ? [3 * YEAR, -DAY] : [YEAR, 10 * YEAR];
      const title = level === 'strongbox' ? 'StrongBox' : 'TEE';
      const intermediateName = distinguishedName([SERIAL_NUMBER, randomHex(8)], [TITLE, title]);
      const intermediate = this.#intermediate(
        intermediateName,
        'P-256',
        this.#root.signer,
        lifetime,
        !notCa,
        9,
      );
      const batchName = distinguishedName([SERIAL_NUMBER, randomHex(8)], [TITLE, title]);
      const batch = this.#intermediate(batchName, 'P-256', intermediate.signer, lifetime, !oem, 9);
      keys = { intermediate, batch };
      if (!expired && !notCa) this.#factory.set(cacheKey, keys);
    }
    return [keys.batch, keys.intermediate];
  }

  /** An attestation of `options.publicKey`, with the chain up to the root. */
  attest(options: AndroidAttestationOptions): SimulatedAndroidAttestation {
    const faults = options.faults ?? [];
    if (faults.includes('untrusted-root')) {
      this.#stranger ??= new AndroidAttestationIssuer(this.#now);
      return this.#stranger.attest({
        ...options,
        faults: faults.filter((f) => f !== 'untrusted-root'),
      });
    }
    const level = options.securityLevel ?? 'tee';
    const above =
      (options.provisioning ?? 'remote') === 'remote'
        ? this.#remote(level, faults)
        : this.#factoryKeys(level, options);
    const spki = spkiOf(options.publicKey);
    const now = this.#now();
    const leafIssuer = above[0]!;
    const chain: Uint8Array[] = [];
    const serials: string[] = [];
    let issuer = leafIssuer.signer;
    if (faults.includes('forged-leaf')) {
      // The attacker's own key, genuinely attested, then used to sign a leaf it made up.
      const genuine = newSigner('P-256', distinguishedName([CN, 'Android Keystore Key']));
      chain.push(this.#leaf(genuine.spki, { ...options, faults: [] }, leafIssuer.signer, now));
      serials.push('1');
      issuer = genuine;
    }
    chain.unshift(this.#leaf(spki, options, issuer, now));
    serials.unshift('1');
    for (const certificate of [...above, this.#root]) {
      chain.push(certificate.der);
      serials.push(certificate.serial);
    }
    return { x5c: chain.map(encodeBase64), serials };
  }

  #leaf(
    spki: Uint8Array,
    options: AndroidAttestationOptions,
    issuer: Signer,
    now: number,
  ): Uint8Array {
    const faults = options.faults ?? [];
    const isRsa = spki.length > 200;
    const usage = (options.purpose ?? 'sign') === 'sign' ? 0x80 : isRsa ? 0x20 : 0x08;
    const extensions = [keyUsage(usage)];
    if (!faults.includes('no-key-description')) {
      extensions.push(extension(KEY_DESCRIPTION_OID, keyDescription(options, spki, now)));
    }
    return issueCertificate({
      serial: 1,
      issuer,
      subject: distinguishedName([CN, 'Android Keystore Key']),
      spki,
      notBefore: LEAF_NOT_BEFORE,
      notAfter: LEAF_NOT_AFTER,
      extensions,
      corruptSignature: faults.includes('bad-signature'),
      weakAlgorithm: faults.includes('weak-signature-algorithm'),
      ...(faults.includes('broken-chain') && {
        issuerName: distinguishedName([CN, 'someone else']),
      }),
    });
  }
}

/** Facts of a device's attestations (everything but the key and the challenge). */
export type AndroidAttestationFacts = Omit<AndroidAttestationOptions, 'publicKey' | 'challenge'>;

/** The attestation version of an Android release's KeyMint or Keymaster (as the CDD pairs them). */
function attestationVersionOf(apiLevel: number): number {
  if (apiLevel >= 36) return 400;
  if (apiLevel >= 34) return 300;
  if (apiLevel >= 33) return 200;
  if (apiLevel >= 31) return 100;
  if (apiLevel >= 30) return 4;
  if (apiLevel >= 28) return 3;
  return 2;
}

/**
 * @internal The chain a simulated Android device returns for a new key: remotely provisioned
 * from Android 12 (API 31), factory-provisioned before, with the device's `facts`.
 */
export function attestSimulatedKey(
  attest: (options: AndroidAttestationOptions) => SimulatedAndroidAttestation,
  key: { spki: Uint8Array; purpose: 'sign' | 'encrypt'; securityLevel: string; createdAt: number },
  challenge: Uint8Array,
  apiLevel: number,
  facts: AndroidAttestationFacts | undefined,
): string[] {
  return attest({
    attestationVersion: attestationVersionOf(apiLevel),
    provisioning: apiLevel >= 31 ? 'remote' : 'factory',
    securityLevel: key.securityLevel === 'strongbox' ? 'strongbox' : 'tee',
    purpose: key.purpose,
    createdAt: key.createdAt,
    osVersion: apiLevel >= 31 ? (apiLevel - 19) * 10_000 : 100_000,
    ...facts,
    publicKey: key.spki,
    challenge,
  }).x5c;
}
