// Property-based tests: whatever bytes arrive as evidence (random, or a genuine chain or
// object with bytes changed, cut or inserted), the verifiers answer with ATTESTATION_FAILED
// or, for evidence whose signed parts are intact, success: never another kind of error.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appAttestClientDataHash } from '../../../src/core/app-attest-client-data.js';
import { DeviceBindingError } from '../../../src/core/errors.js';
import {
  verifyAndroidKeyAttestation,
  verifyAppAttestAssertion,
  verifyAppAttestation,
} from '../../../src/server/attestation/index.js';
import { androidFacts } from '../../../src/server/attestation/lib/android-facts.js';
import { parseCertificate } from '../../../src/server/attestation/lib/certificate.js';
import {
  KEY_DESCRIPTION_OID,
  parseKeyDescription,
} from '../../../src/server/attestation/lib/key-description.js';
import { authority, NOW, newP256Key, randomChallenge } from './helpers.js';

const key = await newP256Key();
const challenge = randomChallenge();
const genuine = authority
  .android({ publicKey: key, challenge, faults: ['unknown-tags'] })
  .x5c.map((b64) => new Uint8Array(Buffer.from(b64, 'base64')));
const androidPolicy = {
  expectedChallenge: challenge,
  roots: authority.androidRoots,
  revocation: false as const,
  now: NOW,
};
const clientDataHash = appAttestClientDataHash(key, challenge);
const appAttestKey = authority.appAttest({ clientDataHash, teamId: 'T', bundleId: 'B' });
const applePolicy = {
  teamId: 'T',
  bundleId: 'B',
  clientDataHash,
  roots: authority.appleRoots,
  now: NOW,
};

/** What a call ends with: success, or the code of the DeviceBindingError it rejected with. */
async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    if (err instanceof DeviceBindingError) return err.code;
    throw err;
  }
}

/** `bytes` changed by one of: a byte replaced, bytes cut off, bytes inserted. */
const mutation = (bytes: Uint8Array) =>
  fc.oneof(
    fc
      .tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }))
      .map(([at, xor]) => {
        const out = bytes.slice();
        out[at] = out[at]! ^ xor;
        return out;
      }),
    fc.nat({ max: bytes.length - 1 }).map((length) => bytes.slice(0, length)),
    fc
      .tuple(fc.nat({ max: bytes.length }), fc.uint8Array({ minLength: 1, maxLength: 8 }))
      .map(
        ([at, extra]) =>
          new Uint8Array([...bytes.subarray(0, at), ...extra, ...bytes.subarray(at)]),
      ),
  );

describe('the attestation verifiers under arbitrary input', () => {
  it('a genuine Android chain with any certificate changed: ATTESTATION_FAILED or an intact signed part', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .nat({ max: genuine.length - 1 })
          .chain((index) => mutation(genuine[index]!).map((changed) => ({ index, changed }))),
        async ({ index, changed }) => {
          const x5c = genuine.map((cert, i) => (i === index ? changed : cert));
          expect(['ok', 'ATTESTATION_FAILED']).toContain(
            await outcome(verifyAndroidKeyAttestation(x5c, androidPolicy)),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random bytes as certificates: ATTESTATION_FAILED', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 600 }), { minLength: 1, maxLength: 4 }),
        async (x5c) => {
          expect(await outcome(verifyAndroidKeyAttestation(x5c, androidPolicy))).toBe(
            'ATTESTATION_FAILED',
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('any KeyDescription bytes: decoded, or refused as malformed', () => {
    const value = parseCertificate(genuine[0]!, 'leaf').extensions.get(KEY_DESCRIPTION_OID)!.value;
    expect(androidFacts(parseKeyDescription(value)).unknownTags).toEqual([4, 799]);
    fc.assert(
      fc.property(fc.oneof(mutation(value), fc.uint8Array({ maxLength: 400 })), (bytes) => {
        try {
          androidFacts(parseKeyDescription(bytes));
        } catch (err) {
          expect(err).toBeInstanceOf(DeviceBindingError);
          expect((err as DeviceBindingError).detail?.reason).toBe('malformed');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('an App Attest object with bytes changed, cut or inserted: ATTESTATION_FAILED', async () => {
    await fc.assert(
      fc.asyncProperty(mutation(appAttestKey.attestationObject), async (object) => {
        const result = await outcome(
          verifyAppAttestation(
            { keyId: appAttestKey.keyId, attestationObject: object },
            applePolicy,
          ),
        );
        // A change inside the receipt is not covered by any signature (verifiers that need the
        // receipt check it with Apple); anything else is refused.
        expect(['ok', 'ATTESTATION_FAILED']).toContain(result);
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes as an assertion: ATTESTATION_FAILED', async () => {
    const { publicKey } = appAttestKey;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (bytes) => {
        const policy = {
          publicKey,
          previousCounter: 0,
          teamId: 'T',
          bundleId: 'B',
          clientData: 'x',
        };
        expect(await outcome(verifyAppAttestAssertion(bytes, policy))).toBe('ATTESTATION_FAILED');
      }),
      { numRuns: 200 },
    );
  });
});
