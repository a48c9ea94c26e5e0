// verifyAppAttestation and verifyAppAttestAssertion against simulated App Attest: what they
// establish, and every refusal, each produced by a simulator fault or a mutated object.

import { type CBORType, decodeCBOR as decode, encodeCBOR as encode } from '@levischuck/tiny-cbor';
import { beforeAll, describe, expect, it } from 'vitest';
import { appAttestClientDataHash } from '../../../src/core/app-attest-client-data.js';
import type { EcPublicJwk } from '../../../src/core/jwk.js';
import {
  type AppAttestationPolicy,
  verifyAppAttestAssertion,
  verifyAppAttestation,
} from '../../../src/server/attestation/index.js';
import type { AppAttestOptions } from '../../../src/testing/index.js';
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

const TEAM = 'ABCDE12345';
const BUNDLE = 'com.example.app';
const challenge = randomChallenge();
let deviceKey: EcPublicJwk;
let clientDataHash: Uint8Array;

beforeAll(async () => {
  deviceKey = await newP256Key();
  clientDataHash = appAttestClientDataHash(deviceKey, challenge);
});

function attest(options: Partial<AppAttestOptions> = {}) {
  return authority.appAttest({ clientDataHash, teamId: TEAM, bundleId: BUNDLE, ...options });
}

function policy(overrides: Partial<AppAttestationPolicy> = {}): AppAttestationPolicy {
  return {
    teamId: TEAM,
    bundleId: BUNDLE,
    expectedKey: deviceKey,
    expectedChallenge: challenge,
    roots: authority.appleRoots,
    now: NOW,
    ...overrides,
  };
}

const verify = (
  key: { keyId: string; attestationObject: Uint8Array | string },
  overrides: Partial<AppAttestationPolicy> = {},
) => verifyAppAttestation(key, policy(overrides));

/** The attestation object decoded, changed by `edit`, and encoded again. */
function mutated(
  object: Uint8Array,
  edit: (map: Map<string | number, CBORType>) => void,
): Uint8Array {
  const map = decode(object) as Map<string | number, CBORType>;
  edit(map);
  return encode(map);
}

describe('verifyAppAttestation accepts', () => {
  it('a production attestation for the device key and challenge, and reports it', async () => {
    const key = attest({ osVersion: '17.2.1' });
    const result = await verify(key);
    expect(result).toMatchObject({
      platform: 'ios',
      securityLevel: 'secure-enclave',
      environment: 'production',
      keyId: key.keyId,
      appId: `${TEAM}.${BUNDLE}`,
      counter: 0,
      osVersion: '17.2.1',
    });
    expect(result.publicKey).toEqual(key.publicKey);
    expect(result.clientDataHash).toEqual(clientDataHash);
    expect(result.receipt.length).toBeGreaterThan(0);
  });

  it('a development attestation when the policy allows development', async () => {
    const result = await verify(attest({ environment: 'development' }), { allowDevelopment: true });
    expect(result.environment).toBe('development');
  });

  it('a caller-given clientDataHash (an app with its own App Attest flow)', async () => {
    const own = new Uint8Array(
      await crypto.subtle.digest('SHA-256', challenge as Uint8Array<ArrayBuffer>),
    );
    const key = attest({ clientDataHash: own });
    const result = await verify(key, {
      expectedKey: undefined,
      expectedChallenge: undefined,
      clientDataHash: own,
    });
    expect(result.clientDataHash).toEqual(own);
  });

  it('the attestation object as base64url text, as a handshake carries it', async () => {
    const key = attest();
    const text = Buffer.from(key.attestationObject).toString('base64url');
    await expect(verify({ keyId: key.keyId, attestationObject: text })).resolves.toBeTruthy();
  });
});

describe('verifyAppAttestation refuses, with detail.reason', () => {
  it('untrusted_root: an object under another root', async () => {
    expect(await reasonOf(verify(attest({ faults: ['untrusted-root'] })))).toBe('untrusted_root');
  });

  it('untrusted_root: a test object against the default Apple root', async () => {
    expect(await reasonOf(verify(attest(), { roots: undefined }))).toBe('untrusted_root');
  });

  it('invalid_signature: a credential certificate whose signature does not verify', async () => {
    expect(await reasonOf(verify(attest({ faults: ['bad-signature'] })))).toBe('invalid_signature');
  });

  it('expired: an expired credential certificate', async () => {
    expect(await reasonOf(verify(attest({ faults: ['expired'] })))).toBe('expired');
  });

  it('expired: an attestation checked long after it was made', async () => {
    expect(await reasonOf(verify(attest(), { now: NOW + 200 * DAY }))).toBe('expired');
  });

  it('not_yet_valid: an attestation checked before it was made', async () => {
    expect(await reasonOf(verify(attest(), { now: NOW - 10 * DAY }))).toBe('not_yet_valid');
  });

  it('missing: a credential certificate without the nonce extension', async () => {
    expect(await reasonOf(verify(attest({ faults: ['no-nonce'] })))).toBe('missing');
  });

  it('challenge_mismatch: a nonce that vouches for another clientDataHash', async () => {
    const error = await refusal(verify(attest({ faults: ['wrong-nonce'] })));
    expect(error.detail).toMatchObject({ reason: 'challenge_mismatch', claim: 'x5c[0].nonce' });
  });

  it('challenge_mismatch: another challenge', async () => {
    expect(await reasonOf(verify(attest(), { expectedChallenge: randomChallenge() }))).toBe(
      'challenge_mismatch',
    );
  });

  it('challenge_mismatch: an attestation that vouches for another device key', async () => {
    expect(await reasonOf(verify(attest(), { expectedKey: await newP256Key() }))).toBe(
      'challenge_mismatch',
    );
  });

  it('key_mismatch: a keyId that is not the hash of the attested key', async () => {
    const error = await refusal(verify(attest({ faults: ['wrong-key-id'] })));
    expect(error.detail).toMatchObject({ reason: 'key_mismatch', claim: 'keyId' });
  });

  it('key_mismatch: a credential id that is not the keyId', async () => {
    const error = await refusal(verify(attest({ faults: ['wrong-credential-id'] })));
    expect(error.detail).toMatchObject({ reason: 'key_mismatch', claim: 'authData.credentialId' });
  });

  it('key_mismatch: authenticator data that names another key', async () => {
    const error = await refusal(verify(attest({ faults: ['cose-key-mismatch'] })));
    expect(error.detail).toMatchObject({
      reason: 'key_mismatch',
      claim: 'authData.credentialPublicKey',
    });
  });

  it('wrong_app: a key of another app', async () => {
    const error = await refusal(verify(attest({ bundleId: 'com.attacker.app' })));
    expect(error.detail).toMatchObject({ reason: 'wrong_app', claim: 'authData.rpIdHash' });
  });

  it('counter: a new key whose counter is not 0', async () => {
    expect(await reasonOf(verify(attest({ faults: ['nonzero-counter'] })))).toBe('counter');
  });

  it('development_environment: a development key under a production-only policy', async () => {
    const error = await refusal(verify(attest({ environment: 'development' })));
    expect(error.detail).toMatchObject({
      reason: 'development_environment',
      actual: 'development',
    });
  });

  it('unsupported: another attestation format', async () => {
    expect(await reasonOf(verify(attest({ faults: ['wrong-format'] })))).toBe('unsupported');
  });

  it('malformed: an object that is not CBOR', async () => {
    const key = attest();
    expect(
      await reasonOf(verify({ keyId: key.keyId, attestationObject: Uint8Array.of(0xff, 1) })),
    ).toBe('malformed');
  });

  it('malformed: an object cut short', async () => {
    const key = attest();
    const cut = key.attestationObject.subarray(0, key.attestationObject.length - 10);
    expect(await reasonOf(verify({ keyId: key.keyId, attestationObject: cut }))).toBe('malformed');
  });

  it('malformed: CBOR that is not canonical (a length in more bytes than needed)', async () => {
    const key = attest();
    // 0xa3 (map of 3) rewritten as 0xb8 0x03: the same map with a non-minimal length.
    const loose = new Uint8Array([0xb8, 0x03, ...key.attestationObject.subarray(1)]);
    expect(await reasonOf(verify({ keyId: key.keyId, attestationObject: loose }))).toBe(
      'malformed',
    );
  });

  it('malformed: an attStmt without x5c', async () => {
    const key = attest();
    const object = mutated(key.attestationObject, (map) => {
      (map.get('attStmt') as Map<string | number, CBORType>).delete('x5c');
    });
    expect(await reasonOf(verify({ keyId: key.keyId, attestationObject: object }))).toBe(
      'malformed',
    );
  });

  it('challenge_mismatch: authenticator data changed after the attestation (the nonce covers it)', async () => {
    const key = attest();
    const object = mutated(key.attestationObject, (map) => {
      const authData = (map.get('authData') as Uint8Array).slice();
      authData[36] = 9; // the counter
      map.set('authData', authData);
    });
    expect(await reasonOf(verify({ keyId: key.keyId, attestationObject: object }))).toBe(
      'challenge_mismatch',
    );
  });

  it('INVALID_ARGUMENT: neither expectedKey nor clientDataHash', async () => {
    expect(await codeOf(verify(attest(), { expectedKey: undefined }))).toBe('INVALID_ARGUMENT');
  });

  it('INVALID_ARGUMENT: a keyId that is not base64', async () => {
    const key = attest();
    expect(
      await codeOf(verify({ keyId: 'not base64!', attestationObject: key.attestationObject })),
    ).toBe('INVALID_ARGUMENT');
  });

  it('INVALID_ARGUMENT: no team id', async () => {
    expect(await codeOf(verify(attest(), { teamId: '' }))).toBe('INVALID_ARGUMENT');
  });
});

describe('verifyAppAttestAssertion', () => {
  async function attested() {
    const key = attest();
    const { publicKey, counter } = await verify(key);
    return { key, publicKey, counter };
  }
  const assertionPolicy = (publicKey: EcPublicJwk, previousCounter: number) => ({
    publicKey,
    previousCounter,
    teamId: TEAM,
    bundleId: BUNDLE,
    clientData: '{"action":"buy","item":42}',
  });

  it('accepts an assertion with a higher counter and returns the new counter', async () => {
    const { key, publicKey, counter } = await attested();
    const assertion = key.assert('{"action":"buy","item":42}');
    await expect(
      verifyAppAttestAssertion(assertion, assertionPolicy(publicKey, counter)),
    ).resolves.toEqual({
      counter: 1,
    });
  });

  it('accepts a clientDataHash instead of the client data, and base64 text', async () => {
    const { key, publicKey } = await attested();
    const data = new TextEncoder().encode('payload');
    const assertion = Buffer.from(key.assert(data)).toString('base64');
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
    const result = await verifyAppAttestAssertion(assertion, {
      ...assertionPolicy(publicKey, 0),
      clientData: undefined,
      clientDataHash: hash,
    });
    expect(result.counter).toBe(1);
  });

  it('counter: refuses a replayed assertion (the counter did not increase)', async () => {
    const { key, publicKey } = await attested();
    const assertion = key.assert('{"action":"buy","item":42}', { counter: 5 });
    const first = await verifyAppAttestAssertion(assertion, assertionPolicy(publicKey, 4));
    const error = await refusal(
      verifyAppAttestAssertion(assertion, assertionPolicy(publicKey, first.counter)),
    );
    expect(error.detail).toMatchObject({ reason: 'counter', expected: '> 5', actual: '5' });
  });

  it('counter: refuses a counter that went backwards', async () => {
    const { key, publicKey } = await attested();
    const assertion = key.assert('{"action":"buy","item":42}', { counter: 3 });
    expect(await reasonOf(verifyAppAttestAssertion(assertion, assertionPolicy(publicKey, 7)))).toBe(
      'counter',
    );
  });

  it('invalid_signature: refuses an assertion over other client data', async () => {
    const { key, publicKey } = await attested();
    const assertion = key.assert('{"action":"buy","item":1}');
    expect(await reasonOf(verifyAppAttestAssertion(assertion, assertionPolicy(publicKey, 0)))).toBe(
      'invalid_signature',
    );
  });

  it('invalid_signature: refuses an assertion signed by another key', async () => {
    const { key } = await attested();
    const other = await attested();
    const assertion = key.assert('{"action":"buy","item":42}');
    expect(
      await reasonOf(verifyAppAttestAssertion(assertion, assertionPolicy(other.publicKey, 0))),
    ).toBe('invalid_signature');
  });

  it('invalid_signature: refuses a signature that is not DER', async () => {
    const { key, publicKey } = await attested();
    const map = decode(key.assert('{"action":"buy","item":42}')) as Map<string | number, CBORType>;
    map.set('signature', new Uint8Array(64).fill(1));
    expect(
      await reasonOf(verifyAppAttestAssertion(encode(map), assertionPolicy(publicKey, 0))),
    ).toBe('invalid_signature');
  });

  it('wrong_app: refuses an assertion made for another app', async () => {
    const { key, publicKey } = await attested();
    const assertion = key.assert('{"action":"buy","item":42}', { bundleId: 'com.attacker.app' });
    expect(await reasonOf(verifyAppAttestAssertion(assertion, assertionPolicy(publicKey, 0)))).toBe(
      'wrong_app',
    );
  });

  it('malformed: refuses an assertion that is not CBOR', async () => {
    const { publicKey } = await attested();
    expect(
      await reasonOf(
        verifyAppAttestAssertion(Uint8Array.of(1, 2, 3), assertionPolicy(publicKey, 0)),
      ),
    ).toBe('malformed');
  });

  it('malformed: refuses authenticator data with trailing bytes', async () => {
    const { key, publicKey } = await attested();
    const map = decode(key.assert('{"action":"buy","item":42}')) as Map<string | number, CBORType>;
    map.set(
      'authenticatorData',
      new Uint8Array([...(map.get('authenticatorData') as Uint8Array), 0]),
    );
    expect(
      await reasonOf(verifyAppAttestAssertion(encode(map), assertionPolicy(publicKey, 0))),
    ).toBe('malformed');
  });

  it('INVALID_ARGUMENT: a negative previous counter', async () => {
    const { key, publicKey } = await attested();
    const assertion = key.assert('x');
    expect(await codeOf(verifyAppAttestAssertion(assertion, assertionPolicy(publicKey, -1)))).toBe(
      'INVALID_ARGUMENT',
    );
  });
});
