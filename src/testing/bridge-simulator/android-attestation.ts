// Simulated Android key attestation: an X.509 chain (leaf first) whose leaf certifies the
// new key and carries the KeyDescription extension (OID 1.3.6.1.4.1.11129.2.1.17) with the
// challenge. The root is the simulator's own key, not Google's attestation root.

import { p256 } from '@noble/curves/nist.js';
import { encodeBase64 } from '../../core/base64url.js';
import { concatBytes } from '../../core/bytes.js';
import { P256_SPKI_PREFIX } from '../../keystores/bridge/public-keys.js';
import {
  derBitString,
  derElement,
  derEnumerated,
  derExplicit,
  derInteger,
  derOctetString,
  derOid,
  derSequence,
  derSet,
  derUtcTime,
  derUtf8String,
} from './der-writer.js';
import type { SimulatedKey } from './simulated-device.js';

/** @internal The OID of the Android key attestation extension. */
export const KEY_DESCRIPTION_OID = '1.3.6.1.4.1.11129.2.1.17';
const ECDSA_WITH_SHA256 = derSequence(derOid('1.2.840.10045.4.3.2'));
const YEAR_MS = 365 * 24 * 3600 * 1000;

/** A signing authority of the simulated chain. */
interface Authority {
  readonly name: Uint8Array;
  readonly secretKey: Uint8Array;
}

function name(commonName: string): Uint8Array {
  return derSequence(derSet(derSequence(derOid('2.5.4.3'), derUtf8String(commonName))));
}

function certificate(
  serial: number,
  issuer: Authority,
  subject: Uint8Array,
  spki: Uint8Array,
  now: number,
  extensions: Uint8Array[],
): Uint8Array {
  const tbs = derSequence(
    derExplicit(0, derInteger(2)),
    derInteger(serial),
    ECDSA_WITH_SHA256,
    issuer.name,
    derSequence(derUtcTime(now - 60_000), derUtcTime(now + 10 * YEAR_MS)),
    subject,
    spki,
    ...(extensions.length > 0 ? [derExplicit(3, derSequence(...extensions))] : []),
  );
  const signature = p256.sign(tbs, issuer.secretKey, { prehash: true, lowS: false, format: 'der' });
  return derSequence(tbs, ECDSA_WITH_SHA256, derBitString(signature));
}

function attestationVersion(apiLevel: number): number {
  if (apiLevel >= 34) return 300;
  if (apiLevel >= 33) return 200;
  if (apiLevel >= 31) return 100;
  if (apiLevel >= 29) return 4;
  if (apiLevel >= 28) return 3;
  if (apiLevel >= 26) return 2;
  return 1;
}

function keyDescription(key: SimulatedKey, challenge: Uint8Array, apiLevel: number): Uint8Array {
  const level = key.securityLevel === 'strongbox' ? 2 : 1;
  const version = attestationVersion(apiLevel);
  const isRsa = key.rsa !== undefined;
  // AuthorizationList: purpose [1], algorithm [2] (1 RSA, 3 EC), keySize [3], ecCurve [10] (1 P-256).
  const purposes = key.purpose === 'sign' ? [2] : isRsa ? [1] : [6];
  const hardwareEnforced = derSequence(
    derExplicit(1, derSet(...purposes.map((purpose) => derInteger(purpose)))),
    derExplicit(2, derInteger(isRsa ? 1 : 3)),
    derExplicit(3, derInteger(isRsa ? key.rsa!.length * 8 : 256)),
    ...(isRsa ? [] : [derExplicit(10, derInteger(1))]),
  );
  return derSequence(
    derInteger(version),
    derEnumerated(level),
    derInteger(version),
    derEnumerated(level),
    derOctetString(challenge),
    derOctetString(new Uint8Array(0)),
    derSequence(),
    hardwareEnforced,
  );
}

/** @internal Issues attestation chains for the keys of one simulated device. */
export class SimulatedAttestationAuthority {
  readonly #root: Authority;
  readonly #rootCertificate: Uint8Array;
  #serial = 1;

  constructor(now: number) {
    const { secretKey } = p256.keygen();
    this.#root = { name: name('devicebind simulated attestation root'), secretKey };
    const spki = concatBytes(P256_SPKI_PREFIX, p256.getPublicKey(secretKey, false));
    this.#rootCertificate = certificate(this.#serial++, this.#root, this.#root.name, spki, now, [
      derSequence(
        derOid('2.5.29.19'),
        derElement(0x01, Uint8Array.of(0xff)),
        derOctetString(derSequence(derElement(0x01, Uint8Array.of(0xff)))),
      ),
    ]);
  }

  /** The chain for `key`, leaf first, as standard base64 (JWS `x5c`). */
  chain(key: SimulatedKey, challenge: Uint8Array, apiLevel: number, now: number): string[] {
    const extension = derSequence(
      derOid(KEY_DESCRIPTION_OID),
      derOctetString(keyDescription(key, challenge, apiLevel)),
    );
    const leaf = certificate(
      this.#serial++,
      this.#root,
      name('Android Keystore Key'),
      key.spki,
      now,
      [extension],
    );
    return [encodeBase64(leaf), encodeBase64(this.#rootCertificate)];
  }
}
