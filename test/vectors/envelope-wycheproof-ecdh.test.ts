// Wycheproof ECDH P-256 vectors through the envelope path: each public key as the
// envelope's epk, validated before the store, then the store's ECDH, Concat KDF and GCM.
// Valid keys open (so the store's Z equals the vector's shared secret); invalid ones are
// refused without the store being asked. MemoryKeyStore.deriveSharedSecret agrees.

import { p256 } from '@noble/curves/nist.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { openEnvelopeWithKey } from '../../src/core/envelope/open-envelope.js';
import { isP256Point } from '../../src/core/envelope/p256-point.js';
import type { EnvelopeKey } from '../../src/core/envelope/types.js';
import { DeviceBindingError } from '../../src/core/errors.js';
import type { EcPublicJwk } from '../../src/core/jwk.js';
import { b64u, buildEcdhEnvelope } from '../envelope/helpers/build-jwe.js';
import { jwkDevice, memoryDevice, rejection } from '../envelope/helpers/devices.js';
import type { JwkKeyStore } from '../envelope/helpers/jwk-key-store.js';
import { loadVector } from '../setup/vectors.js';

interface Test<P, K> {
  tcId: number;
  comment: string;
  flags: string[];
  public: P;
  private: K;
  shared: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface File<P, K> {
  testGroups: { tests: Test<P, K>[] }[];
}
interface Jwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  d?: string;
}

const webcryptoTests = loadVector<File<Jwk, Jwk>>(
  'wycheproof/ecdh_secp256r1_webcrypto_test.json',
).testGroups.flatMap((g) => g.tests);
const ecpointTests = loadVector<File<string, string>>(
  'wycheproof/ecdh_secp256r1_ecpoint_test.json',
).testGroups.flatMap((g) => g.tests);
const plaintext = new TextEncoder().encode('wycheproof ecdh');
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

/** An envelope whose epk is `epk` and whose key is derived from `shared`, to a device holding `privateJwk`. */
function envelopeFor(epk: Record<string, unknown>, shared: string, alg = 'ECDH-ES+A256KW'): string {
  return buildEcdhEnvelope({ z: hex(shared), header: { alg, enc: 'A256GCM', epk }, plaintext });
}

async function opensOrRefuses(
  device: EnvelopeKey & { keyStore: JwkKeyStore },
  envelope: string,
  expectValid: boolean,
): Promise<void> {
  const callsBefore = device.keyStore.calls;
  if (expectValid) {
    expect(await openEnvelopeWithKey(device, envelope)).toEqual(plaintext);
    return;
  }
  const err = await rejection(openEnvelopeWithKey(device, envelope));
  expect(['INVALID_ENVELOPE', 'UNSUPPORTED_ALGORITHM']).toContain(err.code);
  // Refused on the public key alone: the private key was never used.
  expect(device.keyStore.calls).toBe(callsBefore);
}

describe('Wycheproof ecdh_secp256r1_webcrypto through openEnvelope', () => {
  const valid = webcryptoTests.filter((t) => t.result === 'valid');
  const invalid = webcryptoTests.filter((t) => t.result === 'invalid');

  it('runs every case: 330 valid, 23 invalid, none acceptable', () => {
    expect([valid.length, invalid.length, webcryptoTests.length]).toEqual([330, 23, 353]);
  });

  it.each(valid)(
    'tcId $tcId ($comment): the envelope opens, so the store derived the vector shared secret',
    async (t) => {
      const device = await jwkDevice(t.private, 'ECDH-ES');
      const { kty, crv, x, y } = t.public;
      await opensOrRefuses(device, envelopeFor({ kty, crv, x, y }, t.shared), true);
    },
  );

  it.each(invalid)(
    'tcId $tcId ($comment, $flags): refused before the key store is asked',
    async (t) => {
      const device = await jwkDevice(t.private, 'ECDH-ES');
      const { kty, crv, x, y } = t.public;
      // The shared secret is irrelevant: the epk must be refused first.
      await opensOrRefuses(device, envelopeFor({ kty, crv, x, y }, '00'.repeat(32)), false);
    },
  );

  it('the point check agrees with every flag: P-256 points accepted, off-curve and (0,0) rejected', () => {
    for (const t of webcryptoTests) {
      if (t.public.crv !== 'P-256') continue;
      const onCurve = isP256Point(
        new Uint8Array(Buffer.from(t.public.x, 'base64url')),
        new Uint8Array(Buffer.from(t.public.y, 'base64url')),
      );
      expect(onCurve, `tcId ${t.tcId}`).toBe(t.result === 'valid');
    }
  });

  it('MemoryKeyStore.deriveSharedSecret accepts exactly the valid public keys', async () => {
    const device = await memoryDevice();
    for (const t of webcryptoTests) {
      const peer = t.public as unknown as EcPublicJwk;
      const outcome = await device.keyStore.deriveSharedSecret(device.info.alias, peer).then(
        (z) => z.length === 32,
        (err: unknown) => (err instanceof DeviceBindingError ? err.code : 'raw error'),
      );
      if (t.result === 'valid') expect(outcome, `tcId ${t.tcId}`).toBe(true);
      else
        expect(['INVALID_ARGUMENT', 'UNSUPPORTED_ALGORITHM'], `tcId ${t.tcId}`).toContain(outcome);
    }
  });
});

describe('Wycheproof ecdh_secp256r1_ecpoint through openEnvelope', () => {
  // A JWK epk carries uncompressed coordinates only: compressed points and malformed
  // encodings cannot even be written as an epk. Decided and pinned here.
  const uncompressed = ecpointTests.filter(
    (t) => t.public.length === 130 && t.public.startsWith('04'),
  );
  const unrepresentable = ecpointTests.filter((t) => !uncompressed.includes(t));

  it('pins what a JWK epk can carry: 346 uncompressed points; 9 compressed or malformed encodings cannot be sent', () => {
    expect([uncompressed.length, unrepresentable.length]).toEqual([346, 9]);
    expect(unrepresentable.every((t) => t.result !== 'valid')).toBe(true);
    expect(unrepresentable.filter((t) => t.result === 'acceptable').map((t) => t.flags)).toEqual([
      ['CompressedPublic', 'CompressedPoint'],
    ]);
  });

  let devices: Map<string, EnvelopeKey & { keyStore: JwkKeyStore }>;
  beforeAll(async () => {
    devices = new Map();
    for (const t of uncompressed) {
      if (devices.has(t.private)) continue;
      const scalar = hex(t.private.padStart(64, '0').slice(-64));
      const point = p256.getPublicKey(scalar, false);
      const jwk = {
        kty: 'EC',
        crv: 'P-256',
        d: b64u(scalar),
        x: b64u(point.subarray(1, 33)),
        y: b64u(point.subarray(33)),
      };
      devices.set(t.private, await jwkDevice(jwk, 'ECDH-ES'));
    }
  });

  it.each(uncompressed)('tcId $tcId ($comment, $result)', async (t) => {
    const epk = {
      kty: 'EC',
      crv: 'P-256',
      x: b64u(hex(t.public.slice(2, 66))),
      y: b64u(hex(t.public.slice(66))),
    };
    const device = devices.get(t.private)!;
    await opensOrRefuses(
      device,
      envelopeFor(epk, t.result === 'valid' ? t.shared : '00'.repeat(32), 'ECDH-ES'),
      t.result === 'valid',
    );
  });
});
