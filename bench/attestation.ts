// Attestation verification per second: an Android RKP-shaped chain (leaf, attestation key,
// Droid CA3, Droid CA2, root) and an App Attest object, from the simulated attestation
// service, against the raw cost of their certificate signatures (node:crypto's
// X509Certificate.verify, OpenSSL); and an App Attest assertion against one subtle.verify.
// "New device" cycles through distinct devices under the same CAs (what a server sees: the
// CAs' certificates are parsed and checked once); "same" repeats one piece of evidence.

import { X509Certificate } from 'node:crypto';
import { type CBORType, decodeCBOR } from '@levischuck/tiny-cbor';
import * as attestationModule from '../src/server/attestation/index.js';
import * as testingModule from '../src/testing/index.js';
import { type BenchGroup, defineBench, isMissingModule } from './lib/bench.js';

const subtle = globalThis.crypto.subtle;
const ES256 = { name: 'ECDSA', hash: 'SHA-256' } as const;
/** Distinct devices the "new device" cases cycle through. */
const POOL = 200;

async function newKey() {
  const pair = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const { x, y } = await subtle.exportKey('jwk', pair.publicKey);
  return { pair, jwk: { kty: 'EC' as const, crv: 'P-256' as const, x: x!, y: y! } };
}

export default defineBench(async () => {
  if (isMissingModule(attestationModule) || isMissingModule(testingModule)) return [];
  const {
    createRevocationList,
    verifyAndroidKeyAttestation,
    verifyAppAttestAssertion,
    verifyAppAttestation,
  } = attestationModule;
  const authority = testingModule.createAttestationAuthority();
  const challenge = crypto.getRandomValues(new Uint8Array(32));

  // ---- Android
  const devices: { x5c: string[]; key: Awaited<ReturnType<typeof newKey>>['jwk'] }[] = [];
  for (let i = 0; i < POOL; i++) {
    const { jwk } = await newKey();
    devices.push({ x5c: authority.android({ publicKey: jwk, challenge }).x5c, key: jwk });
  }
  const { x5c, serials } = authority.android({ publicKey: devices[0]!.key, challenge });
  const revocation = createRevocationList({
    list: { entries: { [`${serials[1]}ff`]: { status: 'REVOKED' } } },
  });
  const androidPolicy = {
    expectedChallenge: challenge,
    expectedKey: devices[0]!.key,
    expectedPurpose: 'sign' as const,
    packageNames: ['com.example.app'],
    roots: authority.androidRoots,
    revocation,
  };
  const androidCerts = x5c.map((b64) => new X509Certificate(Buffer.from(b64, 'base64')));
  await verifyAndroidKeyAttestation(x5c, androidPolicy);
  let nextDevice = 0;

  // ---- App Attest
  const clientDataHash = crypto.getRandomValues(new Uint8Array(32));
  const appAttestKeys = Array.from({ length: POOL }, () =>
    authority.appAttest({ clientDataHash, teamId: 'ABCDE12345', bundleId: 'b' }),
  );
  const applePolicy = {
    teamId: 'ABCDE12345',
    bundleId: 'b',
    clientDataHash,
    roots: authority.appleRoots,
  };
  const first = appAttestKeys[0]!;
  const statement = (decodeCBOR(first.attestationObject) as Map<string, CBORType>).get(
    'attStmt',
  ) as Map<string, CBORType>;
  const [credential, intermediate] = (statement.get('x5c') as Uint8Array[]).map(
    (der) => new X509Certificate(Buffer.from(der)),
  );
  const appleRoot = new X509Certificate(authority.appleRoots[0]!);
  const attested = await verifyAppAttestation(first, applePolicy);
  let nextAppAttest = 0;

  // ---- App Attest assertion
  const assertion = first.assert('POST /orders', { counter: 1 });
  const assertionPolicy = {
    publicKey: attested.publicKey,
    previousCounter: 0,
    teamId: 'ABCDE12345',
    bundleId: 'b',
    clientData: 'POST /orders',
  };
  await verifyAppAttestAssertion(assertion, assertionPolicy);
  const { pair } = await newKey();
  const rawSignature = await subtle.sign(ES256, pair.privateKey, challenge);

  const groups: BenchGroup[] = [
    {
      name: 'Android key attestation, RKP chain of 5 (4 signatures)',
      baseline: 'raw X509Certificate.verify ×4',
      cases: [
        {
          name: 'raw X509Certificate.verify ×4',
          run: () => {
            for (let i = 0; i < 4; i++) androidCerts[i]!.verify(androidCerts[i + 1]!.publicKey);
          },
        },
        {
          name: 'verifyAndroidKeyAttestation, new device',
          run: () => {
            const device = devices[nextDevice++ % POOL]!;
            return verifyAndroidKeyAttestation(device.x5c, {
              ...androidPolicy,
              expectedKey: device.key,
            });
          },
        },
        {
          name: 'verifyAndroidKeyAttestation, same chain',
          run: () => verifyAndroidKeyAttestation(x5c, androidPolicy),
        },
      ],
    },
    {
      name: 'App Attest attestation object (2 signatures)',
      baseline: 'raw X509Certificate.verify ×2',
      cases: [
        {
          name: 'raw X509Certificate.verify ×2',
          run: () => {
            credential!.verify(intermediate!.publicKey);
            intermediate!.verify(appleRoot.publicKey);
          },
        },
        {
          name: 'verifyAppAttestation, new key',
          run: () => verifyAppAttestation(appAttestKeys[nextAppAttest++ % POOL]!, applePolicy),
        },
        {
          name: 'verifyAppAttestation, same object',
          run: () => verifyAppAttestation(first, applePolicy),
        },
      ],
    },
    {
      name: 'App Attest assertion',
      baseline: 'raw subtle.verify',
      cases: [
        {
          name: 'raw subtle.verify',
          run: () => subtle.verify(ES256, pair.publicKey, rawSignature, challenge),
        },
        {
          name: 'verifyAppAttestAssertion',
          run: () => verifyAppAttestAssertion(assertion, assertionPolicy),
        },
      ],
    },
  ];
  return groups;
});
