// verifyAppAttestAssertion: an App Attest assertion (generateAssertion) over a request the
// app sends, signed by an App Attest key the server attested before, with a rising counter.

import { SIGNING_ALGORITHMS } from '../../core/algorithms.js';
import {
  assertBytes,
  assertNumber,
  assertObject,
  assertString,
  mustBe,
} from '../../core/assert.js';
import { concatBytes, equalBytes } from '../../core/bytes.js';
import { type PublicJwk, parsePublicJwk, thumbprintInput } from '../../core/jwk.js';
import { utf8Encode } from '../../core/utf8.js';
import { verificationKey, verifySignature } from '../lib/verification-keys.js';
import { parseAuthenticatorData } from './lib/authenticator-data.js';
import { cborBytes, cborMap, decodeCbor } from './lib/cbor.js';
import { sha256 } from './lib/digest.js';
import { decodeAnyBase64 } from './lib/encoding.js';
import { refuseAttestation } from './lib/refusal.js';
import { ecdsaDerToRaw } from './lib/signature.js';

/**
 * Options for {@link verifyAppAttestAssertion}.
 *
 * @example
 * ```ts
 * const policy: AppAttestAssertionPolicy = {
 *   publicKey: stored.publicKey, previousCounter: stored.counter,
 *   teamId, bundleId, clientData: requestBody,
 * };
 * ```
 */
export interface AppAttestAssertionPolicy {
  /** The App Attest key, from {@link verifyAppAttestation}'s result. */
  publicKey: PublicJwk;
  /** The highest counter seen for this key (0 after the attestation). */
  previousCounter: number;
  teamId: string;
  bundleId: string;
  /** The data the app asserted (its clientDataHash is SHA-256 of it); or `clientDataHash`. */
  clientData?: Uint8Array | string;
  /** SHA-256 of the client data, instead of `clientData`. */
  clientDataHash?: Uint8Array;
}

/**
 * A verified assertion.
 *
 * @example
 * ```ts
 * const { counter } = await verifyAppAttestAssertion(assertion, policy);
 * await db.appAttestKeys.update(keyId, { counter }); // store it before answering
 * ```
 */
export interface AppAttestAssertion {
  /** The new counter: store it, and pass it as `previousCounter` next time. */
  readonly counter: number;
}

const MAX_ASSERTION = 4096;

/**
 * Verifies an App Attest assertion: the signature over SHA-256(authenticatorData ‖
 * clientDataHash) with the attested key (ECDSA P-256, SHA-256), `rpIdHash` =
 * SHA-256(`<teamId>.<bundleId>`), and a counter strictly above `previousCounter` (a replayed
 * or cloned key's assertion does not advance it).
 *
 * @param assertion - The CBOR assertion (bytes, or base64 / base64url text).
 * @param policy - The key, the stored counter, the app, and what was asserted.
 * @returns The new counter.
 * @throws `ATTESTATION_FAILED` with `detail.reason` (`malformed`, `invalid_signature`,
 * `wrong_app`, `counter`); `INVALID_ARGUMENT` for malformed arguments;
 * `UNSUPPORTED_ALGORITHM` for a key that is not P-256; `CRYPTO_UNAVAILABLE` without WebCrypto.
 * @example
 * ```ts
 * import { verifyAppAttestAssertion } from 'devicebind/server/attestation';
 *
 * const { counter } = await verifyAppAttestAssertion(request.headers.get('X-App-Assertion')!, {
 *   publicKey: stored.publicKey,
 *   previousCounter: stored.counter,
 *   teamId: 'V8H6LQ9448',
 *   bundleId: 'com.example.app',
 *   clientData: await request.clone().text(),
 * });
 * ```
 */
export async function verifyAppAttestAssertion(
  assertion: Uint8Array | string,
  policy: AppAttestAssertionPolicy,
): Promise<AppAttestAssertion> {
  const options = assertObject(policy, 'policy');
  const publicKey = parsePublicJwk(options.publicKey, '"policy.publicKey"');
  if (publicKey.kty !== 'EC') mustBe('policy.publicKey', 'the P-256 App Attest key');
  const previous = assertNumber(options.previousCounter, 'policy.previousCounter', {
    min: 0,
    max: 0xffff_ffff,
    integer: true,
  });
  const teamId = assertString(options.teamId, 'policy.teamId', 64);
  const bundleId = assertString(options.bundleId, 'policy.bundleId', 255);
  const { clientData } = options;
  if ((clientData === undefined) === (options.clientDataHash === undefined))
    mustBe('policy', 'given "clientData" or "clientDataHash" (one of them)');
  const clientDataHash =
    clientData === undefined
      ? assertBytes(options.clientDataHash, 'policy.clientDataHash')
      : sha256(
          typeof clientData === 'string'
            ? utf8Encode(clientData)
            : assertBytes(clientData, 'policy.clientData'),
        );
  if (clientDataHash.length !== 32) mustBe('policy.clientDataHash', 'a 32-byte SHA-256 digest');
  const bytes =
    assertion instanceof Uint8Array
      ? assertion
      : typeof assertion === 'string'
        ? decodeAnyBase64(assertion)
        : mustBe('assertion', 'bytes, or base64 or base64url text');
  if (bytes === undefined || bytes.length === 0 || bytes.length > MAX_ASSERTION)
    refuseAttestation('malformed', 'the assertion is not base64 CBOR of at most 4 KiB', {
      claim: 'assertion',
    });

  const decoded = cborMap(decodeCbor(bytes, 'assertion'), 'assertion');
  const signature = cborBytes(decoded, 'signature', 'assertion.signature');
  const authData = cborBytes(decoded, 'authenticatorData', 'assertion.authenticatorData');
  const data = parseAuthenticatorData(authData, false);
  const nonce = sha256(concatBytes(authData, clientDataHash));
  const raw = ecdsaDerToRaw(signature, 32);
  const algorithm = SIGNING_ALGORITHMS.ES256;
  const { key } = await verificationKey(publicKey, thumbprintInput(publicKey), algorithm);
  if (raw === undefined || !(await verifySignature(algorithm, key, nonce, raw))) {
    refuseAttestation('invalid_signature', 'the assertion signature does not verify', {
      claim: 'assertion.signature',
    });
  }
  if (!equalBytes(data.rpIdHash, sha256(utf8Encode(`${teamId}.${bundleId}`)))) {
    refuseAttestation('wrong_app', 'the assertion was made for another app', {
      claim: 'authenticatorData.rpIdHash',
      expected: `${teamId}.${bundleId}`,
    });
  }
  if (data.counter <= previous) {
    refuseAttestation(
      'counter',
      'the assertion counter did not increase (replayed or cloned key)',
      {
        claim: 'authenticatorData.counter',
        expected: `> ${previous}`,
        actual: String(data.counter),
      },
    );
  }
  return { counter: data.counter };
}
