// Real App Attest attestations and assertions from physical devices (../shared/attestation,
// read at test time): each gets its documented verdict, with the facts of the manifest.

import { createHash, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  APPLE_APP_ATTESTATION_ROOT,
  type AppAttestationPolicy,
  verifyAppAttestAssertion,
  verifyAppAttestation,
} from '../../src/server/attestation/index.js';
import { reasonOf, refusal } from '../server/attestation/helpers.js';
import { manifest, sampleJson, sampleText } from './samples.js';

const CHECK_DATE = Date.UTC(2026, 11, 5);

interface AppleFile {
  readonly attestationObjectBase64?: string;
  readonly keyIdBase64?: string;
  readonly clientDataHashBase64: string;
  readonly teamId: string;
  readonly bundleId: string;
  readonly fixedNow?: string;
  readonly assertionBase64?: string;
  readonly clientDataUtf8?: string;
  readonly publicKeyPem?: string;
  readonly previousCounter?: number;
  readonly assertion?: {
    readonly assertionBase64: string;
    readonly clientDataUtf8: string;
    readonly publicKeyPem: string;
    readonly previousCounter: number;
    readonly expectedCounter: number;
  };
}

function file(idPart: string): { data: AppleFile; expected: Record<string, unknown> } {
  const entry = manifest().apple.find((candidate) => candidate.id.includes(idPart));
  if (entry === undefined) throw new Error(`no sample "${idPart}"`);
  return { data: sampleJson<AppleFile>(entry.file), expected: entry.expected };
}

function verifySample(idPart: string, overrides: Partial<AppAttestationPolicy> = {}) {
  const { data } = file(idPart);
  return verifyAppAttestation(
    { keyId: data.keyIdBase64!, attestationObject: data.attestationObjectBase64! },
    {
      teamId: data.teamId,
      bundleId: data.bundleId,
      // These apps hash their own challenges: clientDataHash = SHA-256(challenge).
      clientDataHash: Buffer.from(data.clientDataHashBase64, 'base64'),
      now: new Date(data.fixedNow!),
      ...overrides,
    },
  );
}

describe('the pinned Apple root is the published one', () => {
  it('by public key', () => {
    const spki = (pem: string) =>
      createHash('sha256')
        .update(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' }))
        .digest('hex');
    expect(spki(APPLE_APP_ATTESTATION_ROOT)).toBe(
      spki(sampleText('roots/apple-app-attestation-root-ca.pem')),
    );
    expect(spki(APPLE_APP_ATTESTATION_ROOT)).toBe(
      '1ae751fd29896d0f1f13fe226c063f445d40d8938acc6245c251ecc0679330bd',
    );
  });
});

describe('real App Attest samples get their documented verdicts', () => {
  it('iOS 17 production: ACCEPT at fixedNow, facts as decoded', async () => {
    const { expected } = file('ios17-production');
    const result = await verifySample('ios17-production');
    expect(result).toMatchObject({
      environment: expected.environment,
      osVersion: expected.iosVersionFromCert,
      counter: expected.counter,
      keyId: expected.credentialIdBase64,
      appId: 'V8H6LQ9448.io.uebelacker.AppAttestExample',
    });
    expect(result.receipt).toHaveLength(3762);
  });

  it('iOS 17 production: REJECT at the check date (expired)', async () => {
    expect(await reasonOf(verifySample('ios17-production', { now: CHECK_DATE }))).toBe('expired');
  });

  it('iOS 17 development: REJECT under a production-only policy (development_environment)', async () => {
    const error = await refusal(verifySample('ios17-development'));
    expect(error.detail).toMatchObject({ reason: 'development_environment' });
  });

  it('iOS 17 development: ACCEPT when development is allowed', async () => {
    const result = await verifySample('ios17-development', { allowDevelopment: true });
    expect(result).toMatchObject({ environment: 'development', osVersion: '17.2.1' });
  });

  it('iOS 14.4 development: REJECT production-only, ACCEPT with development allowed', async () => {
    expect(await reasonOf(verifySample('ios14.4'))).toBe('development_environment');
    await expect(verifySample('ios14.4', { allowDevelopment: true })).resolves.toMatchObject({
      environment: 'development',
      osVersion: '14.4',
    });
  });

  it('iOS 14.4: its assertion verifies with the attested key, counter 0 → 1', async () => {
    const { data } = file('ios14.4');
    const { publicKey } = await verifySample('ios14.4', { allowDevelopment: true });
    const assertion = data.assertion!;
    const result = await verifyAppAttestAssertion(assertion.assertionBase64, {
      publicKey,
      previousCounter: assertion.previousCounter,
      teamId: data.teamId,
      bundleId: data.bundleId,
      clientData: assertion.clientDataUtf8,
    });
    expect(result.counter).toBe(assertion.expectedCounter);
  });

  it('iOS 14.4: its assertion replayed (counter already at 1): REJECT (counter)', async () => {
    const { data } = file('ios14.4');
    const { publicKey } = await verifySample('ios14.4', { allowDevelopment: true });
    const assertion = data.assertion!;
    const policy = {
      publicKey,
      previousCounter: 1,
      teamId: data.teamId,
      bundleId: data.bundleId,
      clientData: assertion.clientDataUtf8,
    };
    expect(await reasonOf(verifyAppAttestAssertion(assertion.assertionBase64, policy))).toBe(
      'counter',
    );
  });

  it('iOS 17 assertion (key given, attestation unpublished): ACCEPT, counter 0 → 1', async () => {
    const { data } = file('assertion-ios17');
    const key = await crypto.subtle.importKey(
      'spki',
      Buffer.from(data.publicKeyPem!.replace(/-----[^-]+-----|\s/g, ''), 'base64'),
      { name: 'ECDSA', namedCurve: 'P-256' },
      true,
      ['verify'],
    );
    const { x, y } = await crypto.subtle.exportKey('jwk', key);
    const result = await verifyAppAttestAssertion(data.assertionBase64!, {
      publicKey: { kty: 'EC', crv: 'P-256', x: x!, y: y! },
      previousCounter: data.previousCounter!,
      teamId: data.teamId,
      bundleId: data.bundleId,
      clientData: data.clientDataUtf8!,
    });
    expect(result.counter).toBe(1);
  });

  it('every attestation with another clientDataHash: REJECT (challenge_mismatch)', async () => {
    for (const id of ['ios17-production', 'ios17-development', 'ios14.4']) {
      const error = await refusal(
        verifySample(id, { allowDevelopment: true, clientDataHash: new Uint8Array(32) }),
      );
      expect(error.detail?.reason, id).toBe('challenge_mismatch');
    }
  });

  it('every attestation for another app: REJECT (wrong_app)', async () => {
    for (const id of ['ios17-production', 'ios17-development', 'ios14.4']) {
      expect(
        await reasonOf(verifySample(id, { allowDevelopment: true, bundleId: 'com.example.other' })),
        id,
      ).toBe('wrong_app');
    }
  });
});
