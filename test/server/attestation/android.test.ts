// verifyAndroidKeyAttestation against simulated evidence: what it establishes, and every
// refusal, each produced by a simulator fault or a mutated chain.

import { beforeAll, describe, expect, it } from 'vitest';
import type { EcPublicJwk } from '../../../src/core/jwk.js';
import {
  type AndroidKeyAttestationPolicy,
  createRevocationList,
  verifyAndroidKeyAttestation,
} from '../../../src/server/attestation/index.js';
import {
  type AndroidAttestationOptions,
  createAttestationAuthority,
  TEST_APP_SIGNATURE_DIGEST,
} from '../../../src/testing/index.js';
import { newRsaEncryptionKey } from '../helpers/handshakes.js';
import {
  authority,
  codeOf,
  DAY,
  NOW,
  newP256Key,
  randomChallenge,
  reasonOf,
  refusal,
} from './helpers.js';

let key: EcPublicJwk;
const challenge = randomChallenge();

beforeAll(async () => {
  key = await newP256Key();
});

function chain(options: Partial<AndroidAttestationOptions> = {}): string[] {
  return authority.android({ publicKey: key, challenge, ...options }).x5c;
}

function policy(overrides: Partial<AndroidKeyAttestationPolicy> = {}): AndroidKeyAttestationPolicy {
  return {
    expectedChallenge: challenge,
    expectedKey: key,
    expectedPurpose: 'sign',
    roots: authority.androidRoots,
    revocation: false,
    now: NOW,
    ...overrides,
  };
}

const verify = (
  x5c: readonly (string | Uint8Array)[],
  overrides: Partial<AndroidKeyAttestationPolicy> = {},
) => verifyAndroidKeyAttestation(x5c, policy(overrides));

describe('verifyAndroidKeyAttestation accepts', () => {
  it('a remotely provisioned TEE chain, and reports what it establishes', async () => {
    const result = await verify(chain(), {
      packageNames: ['com.example.app'],
      signatureDigests: [TEST_APP_SIGNATURE_DIGEST],
      minOsPatchLevel: 202_501,
    });
    expect(result).toMatchObject({
      platform: 'android',
      securityLevel: 'tee',
      attestationSecurityLevel: 'tee',
      attestationVersion: 300,
      keyMintVersion: 300,
      provisioning: 'remote',
      verifiedBootState: 'verified',
      deviceLocked: true,
      osVersion: 150_000,
      osPatchLevel: 202_501,
      vendorPatchLevel: 20_250_105,
      bootPatchLevel: 20_250_105,
      createdAt: NOW,
      origin: 'generated',
      purposes: ['sign', 'verify'],
      revocation: 'not-checked',
      unknownTags: [],
      warnings: [],
      app: {
        packages: [{ name: 'com.example.app', version: 1 }],
        signatureDigests: [TEST_APP_SIGNATURE_DIGEST],
      },
    });
    expect(result.publicKey).toEqual(key);
    expect(result.challenge).toEqual(challenge);
    expect(result.rootKeySha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a StrongBox key when the policy requires StrongBox', async () => {
    const result = await verify(chain({ securityLevel: 'strongbox' }), {
      minSecurityLevel: 'strongbox',
    });
    expect(result.securityLevel).toBe('strongbox');
  });

  it('a factory-provisioned chain', async () => {
    const result = await verify(chain({ provisioning: 'factory', attestationVersion: 3 }));
    expect(result).toMatchObject({
      provisioning: 'factory',
      attestationVersion: 3,
      keyMintVersion: 4,
    });
  });

  it('an RSA encryption key', async () => {
    const rsa = await newRsaEncryptionKey();
    const x5c = authority.android({ publicKey: rsa, challenge, purpose: 'encrypt' }).x5c;
    const result = await verify(x5c, { expectedKey: rsa, expectedPurpose: 'encrypt' });
    expect(result.purposes).toEqual(['encrypt', 'decrypt']);
    expect(result.publicKey).toMatchObject({ kty: 'RSA', n: (rsa as { n: string }).n });
  });

  it('a chain that ends at an intermediate (no root copy)', async () => {
    const x5c = chain();
    await expect(verify(x5c.slice(0, -1))).resolves.toMatchObject({ securityLevel: 'tee' });
  });

  it('certificates as DER bytes as well as base64', async () => {
    const der = chain().map((b64) => new Uint8Array(Buffer.from(b64, 'base64')));
    await expect(verify(der)).resolves.toMatchObject({ platform: 'android' });
  });

  it('KeyMint tags it does not know, and lists them', async () => {
    const result = await verify(chain({ faults: ['unknown-tags'] }));
    expect(result.unknownTags).toEqual([4, 799]);
  });

  it('an attestation version newer than it knows', async () => {
    await expect(verify(chain({ attestationVersion: 500 }))).resolves.toMatchObject({
      attestationVersion: 500,
      keyMintVersion: 500,
    });
  });

  it('a challenge function that accepts the challenge, and hands it a copy', async () => {
    let seen: Uint8Array | undefined;
    const result = await verify(chain(), {
      expectedChallenge: (value) => {
        seen = value;
        value.fill(0);
        return true;
      },
    });
    expect(seen).toHaveLength(32);
    expect(result.challenge).toEqual(challenge);
  });

  it('an unlocked, unverified device when the policy does not require either', async () => {
    const x5c = chain({ deviceLocked: false, verifiedBootState: 'unverified' });
    const result = await verify(x5c, { requireDeviceLocked: false, requireVerifiedBoot: false });
    expect(result).toMatchObject({ deviceLocked: false, verifiedBootState: 'unverified' });
  });

  it('a software key when the policy accepts software, with its facts from softwareEnforced', async () => {
    const result = await verify(chain({ securityLevel: 'software' }), {
      minSecurityLevel: 'software',
    });
    expect(result).toMatchObject({ securityLevel: 'software', origin: 'generated' });
  });

  it('signature digests written with colons and in capitals', async () => {
    const colons = TEST_APP_SIGNATURE_DIGEST.toUpperCase().match(/../g)!.join(':');
    await expect(verify(chain(), { signatureDigests: [colons] })).resolves.toBeTruthy();
  });

  it("an OEM batch key that is not marked as a CA (Google's rule), with a warning", async () => {
    const x5c = chain({ provisioning: 'factory', attestationKeyUsage: 'oem' });
    const result = await verify(x5c);
    expect(result.warnings).toEqual([expect.stringContaining('x5c[1] is not marked as a CA')]);
  });

  it("expired factory intermediates (Google's rule), with warnings", async () => {
    const x5c = chain({ provisioning: 'factory', faults: ['expired-intermediates'] });
    const result = await verify(x5c);
    expect(result.warnings).toHaveLength(2);
    expect(result.warnings[0]).toMatch(/x5c\[1\] expired/);
  });
});

describe('verifyAndroidKeyAttestation refuses, with detail.reason', () => {
  it('untrusted_root: a chain under another root', async () => {
    expect(await reasonOf(verify(chain({ faults: ['untrusted-root'] })))).toBe('untrusted_root');
  });

  it('untrusted_root: a test chain against the default Google roots', async () => {
    expect(await reasonOf(verify(chain(), { roots: undefined }))).toBe('untrusted_root');
  });

  it('untrusted_root: a chain under the roots of another authority', async () => {
    const other = createAttestationAuthority({ now: () => NOW });
    expect(await reasonOf(verify(chain(), { roots: other.androidRoots }))).toBe('untrusted_root');
  });

  it('invalid_signature: a leaf whose signature does not verify', async () => {
    const error = await refusal(verify(chain({ faults: ['bad-signature'] })));
    expect(error.detail).toMatchObject({ reason: 'invalid_signature', claim: 'x5c[0]' });
  });

  it('invalid_signature: an intermediate with a flipped signature bit', async () => {
    const x5c = chain().map((b64) => new Uint8Array(Buffer.from(b64, 'base64')));
    const ca3 = x5c[2]!;
    ca3[ca3.length - 5]! ^= 0x01;
    const error = await refusal(verify(x5c));
    expect(error.detail).toMatchObject({ reason: 'invalid_signature', claim: 'x5c[2]' });
  });

  it('broken_chain: a leaf that names another issuer', async () => {
    expect(await reasonOf(verify(chain({ faults: ['broken-chain'] })))).toBe('broken_chain');
  });

  it('broken_chain: certificates out of order', async () => {
    const [leaf, attestationKey, ca3, ca2, root] = chain();
    expect(await reasonOf(verify([leaf!, ca3!, attestationKey!, ca2!, root!]))).toBe(
      'broken_chain',
    );
  });

  it('chain_extended: a genuine attested key that signed a made-up leaf', async () => {
    const error = await refusal(verify(chain({ faults: ['forged-leaf'] })));
    expect(error.detail).toMatchObject({ reason: 'chain_extended', claim: 'x5c[1]' });
  });

  it('not_a_ca: a CA above the attestation key that is not marked as one', async () => {
    expect(await reasonOf(verify(chain({ faults: ['intermediate-not-ca'] })))).toBe('not_a_ca');
  });

  it('not_a_ca: an OEM batch key that is not a CA, under strict validation', async () => {
    const x5c = chain({ provisioning: 'factory', attestationKeyUsage: 'oem' });
    expect(await reasonOf(verify(x5c, { chainValidation: 'strict' }))).toBe('not_a_ca');
  });

  it('expired: an expired remotely provisioned attestation key', async () => {
    const error = await refusal(verify(chain({ faults: ['expired-intermediates'] })));
    expect(error.detail).toMatchObject({ reason: 'expired', claim: 'x5c[1]' });
  });

  it('expired: a remotely provisioned chain checked after its short life', async () => {
    expect(await reasonOf(verify(chain(), { now: NOW + 30 * DAY }))).toBe('expired');
  });

  it('expired: expired factory intermediates under strict validation', async () => {
    const x5c = chain({ provisioning: 'factory', faults: ['expired-intermediates'] });
    expect(await reasonOf(verify(x5c, { chainValidation: 'strict' }))).toBe('expired');
  });

  it('not_yet_valid: a chain checked before its certificates begin', async () => {
    expect(await reasonOf(verify(chain(), { now: NOW - 30 * DAY }))).toBe('not_yet_valid');
  });

  it('missing: a leaf without the KeyDescription extension', async () => {
    expect(await reasonOf(verify(chain({ faults: ['no-key-description'] })))).toBe('missing');
  });

  it('missing: an empty chain', async () => {
    expect(await reasonOf(verify([]))).toBe('missing');
  });

  it('malformed: a truncated KeyDescription', async () => {
    const x5c = chain({ faults: ['malformed-key-description'] });
    expect(await reasonOf(verify(x5c))).toBe('malformed');
  });

  it('malformed: a KeyDescription that gives a tag twice', async () => {
    expect(await reasonOf(verify(chain({ faults: ['duplicate-tag'] })))).toBe('malformed');
  });

  it('malformed: a certificate that is not base64', async () => {
    const [leaf, ...rest] = chain();
    expect(await reasonOf(verify([`${leaf}*`, ...rest]))).toBe('malformed');
  });

  it('malformed: a certificate cut short', async () => {
    const [leaf, ...rest] = chain();
    const cut = Buffer.from(leaf!, 'base64').subarray(0, 200).toString('base64');
    expect(await reasonOf(verify([cut, ...rest]))).toBe('malformed');
  });

  it('malformed: a chain of more than ten certificates', async () => {
    const x5c = chain();
    expect(await reasonOf(verify([...x5c, ...x5c, ...x5c]))).toBe('malformed');
  });

  it('malformed: a certificate after the root that is not a root copy', async () => {
    const x5c = chain();
    expect(await reasonOf(verify([...x5c, x5c[2]!]))).toBe('malformed');
  });

  it('unsupported: a leaf signed under ecdsa-with-SHA1', async () => {
    const x5c = chain({ faults: ['weak-signature-algorithm'] });
    expect(await reasonOf(verify(x5c))).toBe('unsupported');
  });

  it('key_mismatch: a chain that attests another key', async () => {
    const error = await refusal(verify(chain(), { expectedKey: await newP256Key() }));
    expect(error.detail).toMatchObject({
      reason: 'key_mismatch',
      claim: 'x5c[0].subjectPublicKeyInfo',
    });
  });

  it('challenge_mismatch: another challenge', async () => {
    const error = await refusal(verify(chain(), { expectedChallenge: randomChallenge() }));
    expect(error.detail).toMatchObject({
      reason: 'challenge_mismatch',
      claim: 'attestationChallenge',
    });
  });

  it('challenge_mismatch: a challenge function that says no', async () => {
    expect(await reasonOf(verify(chain(), { expectedChallenge: async () => false }))).toBe(
      'challenge_mismatch',
    );
  });

  it('software_key: a software key under the default policy', async () => {
    const error = await refusal(verify(chain({ securityLevel: 'software' })));
    expect(error.detail).toMatchObject({
      reason: 'software_key',
      claim: 'attestationSecurityLevel',
      actual: 'software',
    });
  });

  it('security_level: a TEE key when the policy requires StrongBox', async () => {
    const error = await refusal(verify(chain(), { minSecurityLevel: 'strongbox' }));
    expect(error.detail).toMatchObject({
      reason: 'security_level',
      expected: 'strongbox',
      actual: 'tee',
    });
  });

  it('not_generated: an imported key', async () => {
    expect(await reasonOf(verify(chain({ origin: 'imported' })))).toBe('not_generated');
  });

  it('wrong_purpose: a signing key that can also decrypt', async () => {
    expect(await reasonOf(verify(chain({ purposes: [1, 2] })))).toBe('wrong_purpose');
  });

  it('wrong_purpose: a signing key offered as the encryption key', async () => {
    expect(await reasonOf(verify(chain(), { expectedPurpose: 'encrypt' }))).toBe('wrong_purpose');
  });

  it('wrong_purpose: a key that may attest other keys', async () => {
    expect(await reasonOf(verify(chain({ purposes: [2, 7] })))).toBe('wrong_purpose');
  });

  it('wrong_app: a package outside the allowlist', async () => {
    const x5c = chain({ packageName: 'com.attacker.app' });
    const error = await refusal(verify(x5c, { packageNames: ['com.example.app'] }));
    expect(error.detail).toMatchObject({ reason: 'wrong_app', actual: 'com.attacker.app' });
  });

  it('wrong_app: an app signed by a certificate outside the allowlist', async () => {
    const x5c = chain({ signatureDigest: new Uint8Array(32).fill(7) });
    const error = await refusal(verify(x5c, { signatureDigests: [TEST_APP_SIGNATURE_DIGEST] }));
    expect(error.detail).toMatchObject({
      reason: 'wrong_app',
      claim: 'attestationApplicationId.signatureDigest',
    });
  });

  it('device_unlocked: an unlocked bootloader', async () => {
    expect(await reasonOf(verify(chain({ deviceLocked: false })))).toBe('device_unlocked');
  });

  it('boot_not_verified: an unverified boot', async () => {
    const error = await refusal(verify(chain({ verifiedBootState: 'unverified' })));
    expect(error.detail).toMatchObject({ reason: 'boot_not_verified', actual: 'unverified' });
  });

  it('boot_not_verified: a self-signed boot (a custom OS)', async () => {
    expect(await reasonOf(verify(chain({ verifiedBootState: 'self-signed' })))).toBe(
      'boot_not_verified',
    );
  });

  it('boot_not_verified: no RootOfTrust at all', async () => {
    const x5c = chain({ rootOfTrust: false });
    expect(await reasonOf(verify(x5c, { requireDeviceLocked: false }))).toBe('boot_not_verified');
  });

  it('patch_level: a security patch older than the policy allows', async () => {
    const x5c = chain({ osPatchLevel: 202_301 });
    const error = await refusal(verify(x5c, { minOsPatchLevel: 202_501 }));
    expect(error.detail).toMatchObject({ reason: 'patch_level', actual: '202301' });
  });
});

describe('verifyAndroidKeyAttestation and the status list', () => {
  const list = (entries: Record<string, { status: string; reason?: string }>) =>
    createRevocationList({ list: { entries } });

  it('checks every certificate of the chain', async () => {
    const { x5c } = authority.android({ publicKey: key, challenge });
    const result = await verify(x5c, { revocation: list({ ab: { status: 'REVOKED' } }) });
    expect(result.revocation).toBe('checked');
  });

  it('revoked: an attestation key whose serial is listed as REVOKED', async () => {
    const { x5c, serials } = authority.android({ publicKey: key, challenge });
    const revocation = list({ [serials[1]!]: { status: 'REVOKED', reason: 'KEY_COMPROMISE' } });
    const error = await refusal(verify(x5c, { revocation }));
    expect(error.detail).toMatchObject({
      reason: 'revoked',
      claim: 'x5c[1]',
      actual: 'REVOKED KEY_COMPROMISE',
    });
  });

  it('revoked: a listed serial written with leading zeros and capitals', async () => {
    const { x5c, serials } = authority.android({ publicKey: key, challenge });
    const revocation = list({ [`00${serials[2]!.toUpperCase()}`]: { status: 'REVOKED' } });
    expect(await reasonOf(verify(x5c, { revocation }))).toBe('revoked');
  });

  it('revoked: a status it does not know (fail closed)', async () => {
    const { x5c, serials } = authority.android({ publicKey: key, challenge });
    const revocation = list({ [serials[3]!]: { status: 'DISTRUSTED' } });
    expect(await reasonOf(verify(x5c, { revocation }))).toBe('revoked');
  });

  it('suspended: a SUSPENDED attestation key, by default', async () => {
    const { x5c, serials } = authority.android({ publicKey: key, challenge });
    const revocation = list({ [serials[1]!]: { status: 'SUSPENDED' } });
    expect(await reasonOf(verify(x5c, { revocation }))).toBe('suspended');
  });

  it('accepts a SUSPENDED key when the list says so, with a warning', async () => {
    const { x5c, serials } = authority.android({ publicKey: key, challenge });
    const revocation = createRevocationList({
      list: { entries: { [serials[1]!]: { status: 'SUSPENDED' } } },
      suspended: 'accept',
    });
    const result = await verify(x5c, { revocation });
    expect(result.warnings).toEqual([expect.stringContaining('is suspended; accepted')]);
  });

  it('unavailable: a list that cannot be loaded (fail closed by default)', async () => {
    const revocation = createRevocationList({ load: () => Promise.reject(new Error('offline')) });
    expect(await reasonOf(verify(chain(), { revocation }))).toBe('unavailable');
  });

  it('accepts when the list cannot be loaded and the list fails open', async () => {
    const revocation = createRevocationList({
      load: () => Promise.reject(new Error('offline')),
      whenUnavailable: 'accept',
    });
    const result = await verify(chain(), { revocation });
    expect(result.revocation).toBe('unavailable');
    expect(result.warnings).toEqual(['the status list was unavailable; accepted']);
  });
});

describe('verifyAndroidKeyAttestation refuses a malformed call with INVALID_ARGUMENT', () => {
  it.each([
    ['no policy', () => verifyAndroidKeyAttestation(chain(), undefined as never)],
    ['no expected challenge', () => verify(chain(), { expectedChallenge: undefined as never })],
    ['no revocation choice', () => verify(chain(), { revocation: undefined as never })],
    ['a revocation list that is not one', () => verify(chain(), { revocation: {} as never })],
    ['an unknown security level', () => verify(chain(), { minSecurityLevel: 'tpm' as never })],
    ['an unknown chain validation', () => verify(chain(), { chainValidation: 'lax' as never })],
    ['a root that is not a certificate', () => verify(chain(), { roots: ['not a certificate'] })],
    ['empty roots', () => verify(chain(), { roots: [] })],
    ['a signature digest that is not hex', () => verify(chain(), { signatureDigests: ['zz'] })],
    ['a patch level that is not YYYYMM', () => verify(chain(), { minOsPatchLevel: 13 })],
    ['an x5c that is not an array', () => verify('MIIB' as never)],
    [
      'a private expected key',
      () => verify(chain(), { expectedKey: { ...key, d: 'AAAA' } as never }),
    ],
  ])('%s', async (_, call) => {
    expect(await codeOf(call())).toBe('INVALID_ARGUMENT');
  });
});
