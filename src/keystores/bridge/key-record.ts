// Turns the key record native code returns (docs/bridge-protocol.md, "Key record") into a
// KeyInfo, after checking every field: encodings, curve points, modulus sizes, attestation.

import { encryptionJwkAlg } from '../../core/algorithms.js';
import type { PublicJwk } from '../../core/jwk.js';
import type {
  KeyAlgorithm,
  KeyAttestation,
  KeyInfo,
  KeyPurpose,
  SecurityLevel,
  UserAuthenticationPolicy,
} from '../contract.js';
import {
  decodeNativeBytes,
  malformed,
  readBytes,
  readEnum,
  readInteger,
  readMember,
  readObject,
  readString,
} from './codec.js';
import { readWholeDer } from './der.js';
import type { BridgePlatform } from './native-bridge.js';
import { ecJwkFromSpki, rsaJwkFromSpki } from './public-keys.js';

/** @internal What a platform's records may contain. */
export interface KeyRecordRules {
  readonly platform: BridgePlatform;
  readonly algorithms: readonly KeyAlgorithm[];
  readonly securityLevels: readonly SecurityLevel[];
}

const WHAT = 'key record';
const ALIAS = /^[A-Za-z0-9._:-]{1,200}$/;
const KEY_ID = /^[A-Za-z0-9+/=_-]{1,200}$/;
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const PURPOSE_OF: Readonly<Record<KeyAlgorithm, KeyPurpose>> = {
  ES256: 'sign',
  EdDSA: 'sign',
  'ECDH-ES': 'encrypt',
  'RSA-OAEP-256': 'encrypt',
  'RSA-OAEP': 'encrypt',
};
// Names that would carry private key material; a record that has one is refused outright.
const PRIVATE_MEMBERS = [
  'privateKey',
  'privateKeyPkcs8',
  'secretKey',
  'd',
  'p',
  'q',
  'dp',
  'dq',
  'qi',
  'k',
];
const MAX_SPKI = 600;
const MAX_CERTIFICATE = 16 * 1024;
const MAX_CHAIN = 10;
const MAX_ATTESTATION_OBJECT = 64 * 1024;

function readUserAuthentication(value: unknown): UserAuthenticationPolicy | undefined {
  if (value === undefined || value === null) return undefined;
  const what = `${WHAT}.userAuthentication`;
  const policy = readObject(value, what);
  const type = readEnum(policy, 'type', what, [
    'none',
    'biometric',
    'biometric-or-device-credential',
  ] as const);
  if (type === 'none') return undefined;
  const validitySeconds = readInteger(policy, 'validitySeconds', what, 0, 2_147_483_647);
  const invalidate = readMember(policy, 'invalidateOnNewEnrollment');
  if (typeof invalidate !== 'boolean') malformed(`${what}.invalidateOnNewEnrollment`);
  return { type, validitySeconds, invalidateOnNewEnrollment: invalidate };
}

function readCertificate(value: unknown, index: number): string {
  const what = `${WHAT}.attestation.x5c[${index}]`;
  // x5c entries are standard, padded base64 of DER certificates (RFC 7515 §4.1.6).
  if (
    typeof value !== 'string' ||
    value.length > (MAX_CERTIFICATE * 4) / 3 + 4 ||
    !STD_BASE64.test(value)
  ) {
    malformed(what);
  }
  const der = decodeNativeBytes(
    value.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'),
    what,
    64,
    MAX_CERTIFICATE,
  );
  try {
    readWholeDer(der, 0x30);
  } catch (err) {
    malformed(what, err);
  }
  return value;
}

function readAttestation(value: unknown, platform: BridgePlatform): KeyAttestation | undefined {
  if (value === undefined || value === null) return undefined;
  const what = `${WHAT}.attestation`;
  const attestation = readObject(value, what);
  if (platform === 'android') {
    const chain = readMember(attestation, 'x5c');
    if (!Array.isArray(chain) || chain.length === 0 || chain.length > MAX_CHAIN)
      malformed(`${what}.x5c`);
    return { format: 'android-key', x5c: chain.map(readCertificate) };
  }
  const keyId = readString(attestation, 'keyId', what, KEY_ID);
  readBytes(attestation, 'attestationObject', what, 1, MAX_ATTESTATION_OBJECT);
  return {
    format: 'apple-app-attest',
    keyId,
    attestationObject: readMember(attestation, 'attestationObject') as string,
  };
}

function readCreatedAt(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 8.64e15) {
    malformed(`${WHAT}.createdAt`);
  }
  return value;
}

/**
 * @internal Validates a native key record for `alias` and converts it to a KeyInfo. The public
 * JWK of an encryption key carries the JWE `alg` it can open.
 * @throws `KEYSTORE_ERROR` for anything malformed, inconsistent, or carrying private material.
 */
export function parseKeyRecord(value: unknown, alias: string, rules: KeyRecordRules): KeyInfo {
  const record = readObject(value, WHAT);
  for (const name of PRIVATE_MEMBERS) {
    if (name in record)
      malformed(`${WHAT} (it carries a private key member, which must never leave the key store)`);
  }
  if (readString(record, 'alias', WHAT, ALIAS) !== alias)
    malformed(`${WHAT}.alias (it names another key)`);
  const algorithm = readEnum(record, 'algorithm', WHAT, rules.algorithms);
  const purpose = readEnum(record, 'purpose', WHAT, ['sign', 'encrypt'] as const);
  if (PURPOSE_OF[algorithm] !== purpose)
    malformed(`${WHAT}.purpose (it does not fit the algorithm)`);
  const securityLevel = readEnum(record, 'securityLevel', WHAT, rules.securityLevels);
  const spki = readBytes(record, 'publicKey', WHAT, 1, MAX_SPKI);
  let publicKey: PublicJwk;
  if (algorithm === 'RSA-OAEP' || algorithm === 'RSA-OAEP-256') {
    publicKey = {
      ...rsaJwkFromSpki(spki, `${WHAT}.publicKey`),
      use: 'enc',
      alg: encryptionJwkAlg(algorithm),
    };
  } else {
    const ec = ecJwkFromSpki(spki, `${WHAT}.publicKey`);
    publicKey =
      purpose === 'encrypt' ? { ...ec, use: 'enc', alg: encryptionJwkAlg('ECDH-ES') } : ec;
  }
  const userAuthentication = readUserAuthentication(readMember(record, 'userAuthentication'));
  const attestation = readAttestation(readMember(record, 'attestation'), rules.platform);
  const createdAt = readCreatedAt(readMember(record, 'createdAt'));
  return {
    alias,
    purpose,
    algorithm,
    publicKey,
    hardwareBacked: securityLevel !== 'software',
    securityLevel,
    ...(userAuthentication && { userAuthentication }),
    ...(attestation && { attestation }),
    ...(createdAt !== undefined && { createdAt }),
  };
}
