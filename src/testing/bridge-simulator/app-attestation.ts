// Simulated Apple App Attest, shaped like the real thing: an attestation object
// (`fmt: "apple-appattest"`, credential certificate ← intermediate ← test root, receipt,
// authenticator data with the COSE key) and assertions with a rising counter, plus faults for
// every refusal a verifier owes.

import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeBase64, encodeBase64url } from '../../core/base64url.js';
import { concatBytes } from '../../core/bytes.js';
import type { EcPublicJwk } from '../../core/jwk.js';
import { utf8Encode } from '../../core/utf8.js';
import { pem } from './android-attestation.js';
import { encodeCbor } from './cbor-writer.js';
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
import { derOctetString, derSequence, derTagged } from './der-writer.js';

/**
 * A fault in a simulated App Attest attestation, each one a refusal a verifier owes:
 * `untrusted-root`, `bad-signature` (of the credential certificate), `expired` (the credential
 * certificate), `no-nonce` (no nonce extension), `wrong-nonce` (it vouches for another
 * clientDataHash), `wrong-key-id` (the keyId is not the key's hash), `wrong-credential-id`,
 * `cose-key-mismatch` (authenticator data names another key), `nonzero-counter`,
 * `wrong-format` (`fmt` is not `apple-appattest`).
 */
export type AppAttestFault =
  | 'untrusted-root'
  | 'bad-signature'
  | 'expired'
  | 'no-nonce'
  | 'wrong-nonce'
  | 'wrong-key-id'
  | 'wrong-credential-id'
  | 'cose-key-mismatch'
  | 'nonzero-counter'
  | 'wrong-format';

/** What a simulated App Attest attestation says. */
export interface AppAttestOptions {
  /** The hash the app passes to `attestKey` (devicebind's iOS adapter gives it in its request). */
  clientDataHash: Uint8Array;
  teamId: string;
  bundleId: string;
  /** `production` (default) or `development`. */
  environment?: 'production' | 'development';
  /** The iOS version the credential certificate names (default `17.4`). */
  osVersion?: string;
  faults?: readonly AppAttestFault[];
}

/** Options of {@link SimulatedAppAttestKey.assert}. */
export interface AppAttestAssertOptions {
  /** The counter to sign (default: one more than the last). */
  counter?: number;
  /** Sign for another app (default: the attested one). */
  teamId?: string;
  bundleId?: string;
}

/** An attested App Attest key of the simulator. */
export interface SimulatedAppAttestKey {
  /** The key id, standard base64, as `DCAppAttestService.generateKey` returns it. */
  readonly keyId: string;
  /** The CBOR attestation object, as `attestKey` returns it. */
  readonly attestationObject: Uint8Array;
  /** The App Attest public key. */
  readonly publicKey: EcPublicJwk;
  /** An assertion (`generateAssertion`) over SHA-256 of `clientData`. */
  assert(clientData: Uint8Array | string, options?: AppAttestAssertOptions): Uint8Array;
}

const DAY = 86_400_000;
const YEAR = 365 * DAY;
const CN = '2.5.4.3';
const OU = '2.5.4.11';
const O = '2.5.4.10';
const NONCE_OID = '1.2.840.113635.100.8.2';
const OS_VERSION_OID = '1.2.840.113635.100.8.7';
const PRODUCTION = utf8Encode('appattest\0\0\0\0\0\0\0');
const DEVELOPMENT = utf8Encode('appattestdevelop');
const ATTESTED_CREDENTIAL_DATA = 0x40;

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

function cose(point: Uint8Array): Uint8Array {
  return encodeCbor({
    entries: [
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, point.subarray(1, 33)],
      [-3, point.subarray(33)],
    ],
  });
}

/** @internal Issues App Attest keys under one test root. */
export class AppAttestIssuer {
  readonly #now: () => number;
  readonly #root: Signer;
  readonly #rootCertificate: Uint8Array;
  readonly #intermediate: Signer;
  readonly #intermediateCertificate: Uint8Array;
  #stranger: AppAttestIssuer | undefined;

  constructor(now: () => number) {
    this.#now = now;
    const time = now();
    this.#root = newSigner(
      'P-384',
      distinguishedName([CN, 'devicebind test App Attestation Root CA'], [O, 'devicebind']),
    );
    const ca = [basicConstraints(true), keyUsage(0x06)];
    this.#rootCertificate = issueCertificate({
      serial: 1,
      issuer: this.#root,
      subject: this.#root.name,
      spki: this.#root.spki,
      notBefore: time - YEAR,
      notAfter: time + 20 * YEAR,
      extensions: ca,
    });
    this.#intermediate = newSigner(
      'P-384',
      distinguishedName([CN, 'devicebind test App Attestation CA 1'], [O, 'devicebind']),
    );
    this.#intermediateCertificate = issueCertificate({
      serial: 2,
      issuer: this.#root,
      subject: this.#intermediate.name,
      spki: this.#intermediate.spki,
      notBefore: time - YEAR,
      notAfter: time + 10 * YEAR,
      extensions: ca,
    });
  }

  /** The root certificate, PEM: what `policy.roots` of a verifier trusts. */
  get rootPem(): string {
    return pem(this.#rootCertificate);
  }

  /** A new App Attest key, attested over `options.clientDataHash`. */
  attest(options: AppAttestOptions): SimulatedAppAttestKey {
    const faults = options.faults ?? [];
    if (faults.includes('untrusted-root')) {
      this.#stranger ??= new AppAttestIssuer(this.#now);
      return this.#stranger.attest({
        ...options,
        faults: faults.filter((f) => f !== 'untrusted-root'),
      });
    }
    const { secretKey } = p256.keygen();
    const point = p256.getPublicKey(secretKey, false);
    const keyId = sha256(point);
    const rpIdHash = sha256(utf8Encode(`${options.teamId}.${options.bundleId}`));
    const credentialId = faults.includes('wrong-credential-id') ? sha256(keyId) : keyId;
    const coseKey = faults.includes('cose-key-mismatch')
      ? cose(p256.getPublicKey(p256.keygen().secretKey, false))
      : cose(point);
    const authData = concatBytes(
      rpIdHash,
      Uint8Array.of(ATTESTED_CREDENTIAL_DATA),
      Uint8Array.of(0, 0, 0, faults.includes('nonzero-counter') ? 1 : 0),
      options.environment === 'development' ? DEVELOPMENT : PRODUCTION,
      Uint8Array.of(credentialId.length >> 8, credentialId.length & 0xff),
      credentialId,
      coseKey,
    );
    const vouchedFor = faults.includes('wrong-nonce')
      ? sha256(options.clientDataHash)
      : options.clientDataHash;
    const nonce = sha256(concatBytes(authData, vouchedFor));
    const time = this.#now();
    const extensions = [
      basicConstraints(false),
      keyUsage(0x80),
      extension(
        OS_VERSION_OID,
        derSequence(derTagged(1400, derOctetString(utf8Encode(options.osVersion ?? '17.4')))),
      ),
    ];
    if (!faults.includes('no-nonce'))
      extensions.push(extension(NONCE_OID, derSequence(derTagged(1, derOctetString(nonce)))));
    const expired = faults.includes('expired');
    const credentialCertificate = issueCertificate({
      serial: BigInt(`0x${hex(keyId.subarray(0, 6))}`),
      issuer: this.#intermediate,
      subject: distinguishedName([CN, hex(keyId)], [OU, 'AAA Certification'], [O, 'devicebind']),
      spki: ecSpki('P-256', point),
      notBefore: expired ? time - 120 * DAY : time - DAY,
      notAfter: expired ? time - 30 * DAY : time + 90 * DAY,
      extensions,
      // App Attest's intermediate (P-384) signs credential certificates with SHA-256.
      hash: 'SHA-256',
      corruptSignature: faults.includes('bad-signature'),
    });
    const attestationObject = encodeCbor({
      entries: [
        ['fmt', faults.includes('wrong-format') ? 'packed' : 'apple-appattest'],
        [
          'attStmt',
          {
            entries: [
              ['x5c', [credentialCertificate, this.#intermediateCertificate]],
              ['receipt', utf8Encode('devicebind simulated App Attest receipt')],
            ],
          },
        ],
        ['authData', authData],
      ],
    });
    const claimedKeyId = faults.includes('wrong-key-id')
      ? sha256(concatBytes(keyId, keyId))
      : keyId;
    let counter = 0;
    return {
      keyId: encodeBase64(claimedKeyId),
      attestationObject,
      publicKey: {
        kty: 'EC',
        crv: 'P-256',
        x: encodeBase64url(point.subarray(1, 33)),
        y: encodeBase64url(point.subarray(33)),
      },
      assert(clientData, assertOptions = {}) {
        counter = assertOptions.counter ?? counter + 1;
        const teamId = assertOptions.teamId ?? options.teamId;
        const bundleId = assertOptions.bundleId ?? options.bundleId;
        const counterBytes = new Uint8Array(4);
        new DataView(counterBytes.buffer).setUint32(0, counter, false);
        const authenticatorData = concatBytes(
          sha256(utf8Encode(`${teamId}.${bundleId}`)),
          Uint8Array.of(ATTESTED_CREDENTIAL_DATA),
          counterBytes,
        );
        const data = typeof clientData === 'string' ? utf8Encode(clientData) : clientData;
        const signed = sha256(concatBytes(authenticatorData, sha256(data)));
        const signature = p256.sign(signed, secretKey, {
          prehash: true,
          lowS: false,
          format: 'der',
        });
        return encodeCbor({
          entries: [
            ['signature', signature],
            ['authenticatorData', authenticatorData],
          ],
        });
      },
    };
  }
}
