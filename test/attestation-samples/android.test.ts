// Real Android key attestation chains from physical devices (../shared/attestation, read at test
// time): each gets its documented verdict, the facts the verifier reports equal the manifest's,
// and the pinned roots are the published ones. Verdicts are checked at each sample's fixedNow
// (the key's creation time) and at the manifest's check date, 2026-12-05.

import { createHash, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PublicJwk } from '../../src/core/jwk.js';
import {
  type AndroidKeyAttestationPolicy,
  createRevocationList,
  GOOGLE_ATTESTATION_ROOTS,
  GOOGLE_HARDWARE_ATTESTATION_ROOT_RSA,
  GOOGLE_KEY_ATTESTATION_CA1,
  verifyAndroidKeyAttestation,
} from '../../src/server/attestation/index.js';
import { reasonOf, refusal } from '../server/attestation/helpers.js';
import { type AndroidSample, manifest, pemChain, sampleJson, sampleText } from './samples.js';

const CHECK_DATE = Date.UTC(2026, 11, 5);
const samples = manifest().android;

function sample(idPart: string): AndroidSample {
  const found = samples.filter((entry) => entry.id.includes(idPart));
  if (found.length !== 1) throw new Error(`no single sample "${idPart}"`);
  return found[0]!;
}

async function leafKey(entry: AndroidSample): Promise<PublicJwk> {
  const spki = Buffer.from(entry.expected.leafPublicKeySpkiB64, 'base64');
  const isRsa = spki.length > 200;
  const key = await crypto.subtle.importKey(
    'spki',
    spki,
    isRsa ? { name: 'RSA-PSS', hash: 'SHA-256' } : { name: 'ECDSA', namedCurve: 'P-256' },
    true,
    ['verify'],
  );
  const jwk = await crypto.subtle.exportKey('jwk', key);
  return isRsa
    ? { kty: 'RSA', n: jwk.n!, e: jwk.e! }
    : { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! };
}

/** The sample's own inputs as the policy: its challenge, key, app, and fixedNow. */
async function policyFor(
  entry: AndroidSample,
  overrides: Partial<AndroidKeyAttestationPolicy> = {},
): Promise<AndroidKeyAttestationPolicy> {
  return {
    expectedChallenge: Buffer.from(entry.inputs.challengeHex, 'hex'),
    expectedKey: await leafKey(entry),
    expectedPurpose: 'sign',
    packageNames: entry.inputs.packageName,
    signatureDigests: entry.inputs.signingCertSha256Hex,
    revocation: createRevocationList({ list: sampleJson('android/revocation-status-sample.json') }),
    now: new Date(entry.inputs.fixedNow),
    ...overrides,
  };
}

async function verifySample(idPart: string, overrides: Partial<AndroidKeyAttestationPolicy> = {}) {
  const entry = sample(idPart);
  return verifyAndroidKeyAttestation(pemChain(entry.file), await policyFor(entry, overrides));
}

const LEVELS: Record<string, string> = {
  Software: 'software',
  TrustedEnvironment: 'tee',
  StrongBox: 'strongbox',
};

describe('the pinned roots are the published ones', () => {
  const spkiSha256 = (pem: string) => {
    const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
    return createHash('sha256').update(spki).digest('hex');
  };

  it('Google RSA-4096 and P-384 roots, by public key', async () => {
    expect(spkiSha256(GOOGLE_HARDWARE_ATTESTATION_ROOT_RSA)).toBe(
      spkiSha256(sampleText('roots/google-hardware-attestation-root-rsa4096.pem')),
    );
    expect(spkiSha256(GOOGLE_KEY_ATTESTATION_CA1)).toBe(
      spkiSha256(sampleText('roots/google-key-attestation-ca1-p384.pem')),
    );
    const served = sampleJson<string[]>('roots/google-attestation-roots.json');
    expect(GOOGLE_ATTESTATION_ROOTS.map(spkiSha256)).toEqual(served.map(spkiSha256));
  });
});

describe('real Android samples get their documented verdicts', () => {
  it('the sample list is the one documented here (nine chains)', () => {
    expect(samples.map((entry) => entry.id).sort()).toEqual([
      'android-pixel3-a9-strongbox-keymaster4-rsa-factory',
      'android-pixel3-a9-tee-keymaster4-factory',
      'android-pixel9a-preprod-a16-strongbox-keymint300-p384root',
      'android-pixel9a-preprod-a16-tee-keymint400-p384root',
      'android-pixel9pro-a16-strongbox-keymint300-rkp',
      'android-pixel9pro-a16-tee-keymint400-rkp',
      'android-pixelxl-a10-software-attestation-NEGATIVE',
      'android-samsung-galaxys9plus-a10-tee-keymaster4-factory-webauthn',
      'android-sony-xperia10iii-a13-tee-keymaster41-factory',
    ]);
  });

  it('Pixel 9 Pro TEE (KeyMint 400, RKP, RSA root): ACCEPT at fixedNow, facts as decoded', async () => {
    const entry = sample('pixel9pro-a16-tee');
    const result = await verifySample('pixel9pro-a16-tee');
    const facts = entry.expected.keyDescription;
    expect(result).toMatchObject({
      securityLevel: LEVELS[facts.keymasterSecurityLevel],
      attestationSecurityLevel: LEVELS[facts.attestationSecurityLevel],
      attestationVersion: facts.attestationVersion,
      keyMintVersion: facts.keymasterVersion,
      provisioning: 'remote',
      verifiedBootState: 'verified',
      deviceLocked: true,
      osPatchLevel: facts.osPatchLevel,
      createdAt: facts.creationDateTime,
      revocation: 'checked',
      device: { brand: 'google', model: 'Pixel 9 Pro' },
      unknownTags: [],
      warnings: [],
    });
    expect(result.rootKeySha256).toBe(
      'feb2ea7551ee316ed4bb443c8293b884dbfdea40b603ee3e4f4a897e4580fbae',
    );
  });

  it('Pixel 9 Pro TEE: REJECT at the check date (expired: RKP certificates live days)', async () => {
    expect(await reasonOf(verifySample('pixel9pro-a16-tee', { now: CHECK_DATE }))).toBe('expired');
  });

  it('Pixel 9 Pro StrongBox (KeyMint 300, RKP): ACCEPT at fixedNow under a StrongBox-only policy', async () => {
    const result = await verifySample('pixel9pro-a16-strongbox', { minSecurityLevel: 'strongbox' });
    expect(result).toMatchObject({
      securityLevel: 'strongbox',
      keyMintVersion: 300,
      provisioning: 'remote',
    });
  });

  it('Pixel 9 Pro StrongBox: REJECT at the check date (expired)', async () => {
    expect(await reasonOf(verifySample('pixel9pro-a16-strongbox', { now: CHECK_DATE }))).toBe(
      'expired',
    );
  });

  it('Pixel 9a TEE (KeyMint 400, P-384 root): ACCEPT with the default roots', async () => {
    const result = await verifySample('pixel9a-preprod-a16-tee');
    expect(result.rootKeySha256).toBe(
      '3ee44512a1af2beb39c889490c60ea3f82e43f5d5a5532f5ab9419f676cd07ec',
    );
    expect(result).toMatchObject({ securityLevel: 'tee', attestationVersion: 400 });
  });

  it('Pixel 9a TEE: REJECT with the RSA root only (untrusted_root)', async () => {
    const roots = [GOOGLE_HARDWARE_ATTESTATION_ROOT_RSA];
    expect(await reasonOf(verifySample('pixel9a-preprod-a16-tee', { roots }))).toBe(
      'untrusted_root',
    );
  });

  it('Pixel 9a StrongBox (KeyMint 300, P-384 root): ACCEPT with the P-384 root trusted', async () => {
    const result = await verifySample('pixel9a-preprod-a16-strongbox', {
      roots: [GOOGLE_KEY_ATTESTATION_CA1],
      minSecurityLevel: 'strongbox',
    });
    expect(result.securityLevel).toBe('strongbox');
  });

  it('Pixel 3 TEE (Keymaster 4, factory): REJECT by device policy (device_unlocked)', async () => {
    const error = await refusal(verifySample('pixel3-a9-tee'));
    expect(error.detail).toMatchObject({ reason: 'device_unlocked', actual: 'false' });
  });

  it('Pixel 3 TEE: ACCEPT the chain and hardware when the policy does not require a locked, verified device', async () => {
    const result = await verifySample('pixel3-a9-tee', {
      requireDeviceLocked: false,
      requireVerifiedBoot: false,
    });
    expect(result).toMatchObject({
      provisioning: 'factory',
      keyMintVersion: 4,
      deviceLocked: false,
      verifiedBootState: 'unverified',
    });
  });

  it('Pixel 3 TEE: its chain still holds at the check date, anchored at a current root issue', async () => {
    const error = await refusal(verifySample('pixel3-a9-tee', { now: CHECK_DATE }));
    expect(error.detail?.reason).toBe('device_unlocked');
  });

  it('Pixel 3 StrongBox (RSA-2048 key, factory): REJECT by device policy, ACCEPT without it', async () => {
    expect(await reasonOf(verifySample('pixel3-a9-strongbox'))).toBe('device_unlocked');
    const result = await verifySample('pixel3-a9-strongbox', {
      requireDeviceLocked: false,
      requireVerifiedBoot: false,
      minSecurityLevel: 'strongbox',
    });
    expect(result.publicKey?.kty).toBe('RSA');
  });

  it("Sony Xperia 10 III (Keymaster 4.1, factory): ACCEPT under Google's rules, with the two leniencies it needs", async () => {
    const result = await verifySample('sony');
    expect(result).toMatchObject({
      keyMintVersion: 41,
      provisioning: 'factory',
      verifiedBootState: 'verified',
    });
    expect(result.warnings).toEqual([
      expect.stringMatching(/^x5c\[1\] is not marked as a CA/),
      expect.stringMatching(/^x5c\[1\] expired/),
      expect.stringMatching(/^x5c\[2\] expired/),
    ]);
  });

  it('Sony: REJECT under strict validation (its batch key is not a CA)', async () => {
    const error = await refusal(verifySample('sony', { chainValidation: 'strict' }));
    expect(error.detail).toMatchObject({ reason: 'not_a_ca', claim: 'x5c[1]' });
  });

  it('Samsung Galaxy S9+ (Keymaster 4, factory, WebAuthn challenge): ACCEPT at fixedNow', async () => {
    const result = await verifySample('samsung');
    expect(result.app?.packages.map((entry) => entry.name)).toEqual([
      'com.google.android.gsf',
      'com.google.android.gms',
    ]);
  });

  it('Samsung: its chain still holds at the check date', async () => {
    await expect(verifySample('samsung', { now: CHECK_DATE })).resolves.toMatchObject({
      provisioning: 'factory',
    });
  });

  it('Pixel XL software attestation (NEGATIVE): REJECT (untrusted_root)', async () => {
    expect(await reasonOf(verifySample('NEGATIVE'))).toBe('untrusted_root');
  });

  it('Pixel XL software attestation: REJECT as a software key even when its own root is trusted', async () => {
    const chain = pemChain(sample('NEGATIVE').file);
    const roots = [chain[chain.length - 1]!];
    expect(await reasonOf(verifySample('NEGATIVE', { roots }))).toBe('software_key');
  });

  it('every sample with another challenge: REJECT (challenge_mismatch)', async () => {
    for (const entry of samples.filter((candidate) => !candidate.id.includes('NEGATIVE'))) {
      const policy = await policyFor(entry, {
        expectedChallenge: new Uint8Array(16),
        requireDeviceLocked: false,
        requireVerifiedBoot: false,
      });
      expect(
        await reasonOf(verifyAndroidKeyAttestation(pemChain(entry.file), policy)),
        entry.id,
      ).toBe('challenge_mismatch');
    }
  });

  it('the four issues of the RSA root all anchor the Pixel 3 chain at the time its key was made', async () => {
    const issues = sampleText('roots/google-hardware-attestation-root-rsa4096-all-issues.pem');
    const roots = [
      ...issues.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g),
    ].map((match) => match[0]);
    expect(roots).toHaveLength(4);
    for (const root of roots) {
      await expect(
        verifySample('pixel3-a9-tee', {
          roots: [root],
          requireDeviceLocked: false,
          requireVerifiedBoot: false,
        }),
      ).resolves.toMatchObject({ provisioning: 'factory' });
    }
  });
});

describe("Google's status list sample", () => {
  const list = () =>
    createRevocationList({ list: sampleJson('android/revocation-status-sample.json') });

  it('reads all five entries: four REVOKED, one SUSPENDED', async () => {
    const serials = Object.keys(
      sampleJson<{ entries: object }>('android/revocation-status-sample.json').entries,
    );
    const { entries } = await list().lookup(serials);
    expect([...entries.values()].map((entry) => entry.status).sort()).toEqual([
      'REVOKED',
      'REVOKED',
      'REVOKED',
      'REVOKED',
      'SUSPENDED',
    ]);
  });

  it('lists none of the sample chains', async () => {
    for (const entry of samples.filter((candidate) => !candidate.id.includes('NEGATIVE'))) {
      const result = await verifyAndroidKeyAttestation(
        pemChain(entry.file),
        await policyFor(entry, {
          requireDeviceLocked: false,
          requireVerifiedBoot: false,
          revocation: list(),
        }),
      );
      expect(result.revocation, entry.id).toBe('checked');
    }
  });
});
