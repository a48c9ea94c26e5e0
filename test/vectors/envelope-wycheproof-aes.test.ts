// Wycheproof AES-GCM and AES key wrap vectors through openEnvelope's own path (key
// recovery, unwrap, AES-GCM with the header as AAD). A backend whose SHA-256 returns the
// vector's key stands in for the Concat KDF output, so the envelope's KEK (ECDH-ES+A*KW)
// or CEK (direct ECDH-ES) is exactly the vector's key.

import { beforeAll, describe, expect, it } from 'vitest';
import type { CryptoBackend } from '../../src/core/crypto-backend.js';
import { OPEN_FAILED } from '../../src/core/envelope/failure.js';
import { openEnvelopeWithKey } from '../../src/core/envelope/open-envelope.js';
import type { EnvelopeKey } from '../../src/core/envelope/types.js';
import { DeviceBindingError } from '../../src/core/errors.js';
import { b64u, buildWithCek, gcmReference } from '../envelope/helpers/build-jwe.js';
import { backend, memoryDevice } from '../envelope/helpers/devices.js';
import { loadVector } from '../setup/vectors.js';

interface Test {
  tcId: number;
  comment: string;
  flags: string[];
  key: string;
  iv?: string;
  aad?: string;
  msg: string;
  ct: string;
  tag?: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface File {
  testGroups: { keySize: number; ivSize?: number; tagSize?: number; tests: Test[] }[];
}

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

/** The backend, except that SHA-256 (only the Concat KDF uses it here) returns `key`, zero-padded. */
function forcedKdf(key: Uint8Array): CryptoBackend {
  const out = new Uint8Array(32);
  out.set(key);
  return { ...backend, sha256: async () => out.slice() };
}

let device: EnvelopeKey;
let epk: Record<string, string>;
beforeAll(async () => {
  device = await memoryDevice();
  const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
    'deriveBits',
  ]);
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  epk = { kty: kty!, crv: crv!, x: x!, y: y! };
});

async function outcome(key: EnvelopeKey, envelope: string): Promise<Uint8Array | string> {
  return openEnvelopeWithKey(key, envelope).catch((err: unknown) =>
    err instanceof DeviceBindingError ? `${err.code}: ${err.message}` : `raw ${String(err)}`,
  );
}

describe('Wycheproof aes_gcm_test through openEnvelope (direct ECDH-ES, CEK = vector key)', () => {
  const gcm = loadVector<File>('wycheproof/aes_gcm_test.json').testGroups.filter(
    (g) => g.ivSize === 96 && g.tagSize === 128 && g.keySize !== 192,
  );
  const tests = gcm.flatMap((g) =>
    g.tests.map((t) => ({ ...t, enc: g.keySize === 128 ? 'A128GCM' : 'A256GCM' })),
  );

  it('uses every 96-bit-IV case with an allowlisted key size: 79 valid, 54 with a modified tag', () => {
    expect([
      tests.filter((t) => t.result === 'valid').length,
      tests.filter((t) => t.result === 'invalid').length,
    ]).toEqual([79, 54]);
  });

  it.each(tests.filter((t) => t.result === 'valid'))(
    'tcId $tcId ($enc, $flags) opens to the vector message',
    async (t) => {
      const envelope = buildWithCek(
        { alg: 'ECDH-ES', enc: t.enc, epk },
        hex(t.key),
        new Uint8Array(0),
        hex(t.msg),
      );
      const parts = envelope.split('.');
      // Same key, IV and message as the vector (the AAD is the envelope's header instead).
      parts[2] = b64u(hex(t.iv!));
      const { ciphertext, tag } = gcmReference(
        hex(t.key),
        hex(t.iv!),
        hex(t.msg),
        Buffer.from(parts[0]!),
      );
      expect(Buffer.from(ciphertext).toString('hex')).toBe(t.ct);
      const result = await outcome(
        { ...device, crypto: forcedKdf(hex(t.key)) },
        [...parts.slice(0, 3), b64u(ciphertext), b64u(tag)].join('.'),
      );
      expect(result).toEqual(hex(t.msg));
    },
  );

  it.each(tests.filter((t) => t.result === 'invalid'))(
    'tcId $tcId ($enc, $comment): the same tag change is refused',
    async (t) => {
      // The vector's tag differs from the right one (for its own AAD) by some bits; apply the
      // same difference to the envelope's tag.
      const right = gcmReference(hex(t.key), hex(t.iv!), hex(t.msg), hex(t.aad!)).tag;
      const delta = hex(t.tag!).map((b, i) => b ^ right[i]!);
      const protectedB64 = b64u(JSON.stringify({ alg: 'ECDH-ES', enc: t.enc, epk }));
      const { ciphertext, tag } = gcmReference(
        hex(t.key),
        hex(t.iv!),
        hex(t.msg),
        Buffer.from(protectedB64),
      );
      const envelope = [
        protectedB64,
        '',
        b64u(hex(t.iv!)),
        b64u(ciphertext),
        b64u(tag.map((b, i) => b ^ delta[i]!)),
      ].join('.');
      expect(await outcome({ ...device, crypto: forcedKdf(hex(t.key)) }, envelope)).toBe(
        `INVALID_ENVELOPE: ${OPEN_FAILED}`,
      );
    },
  );
});

describe('Wycheproof aes_wrap_test through openEnvelope (ECDH-ES+A*KW, KEK = vector key)', () => {
  const kw = loadVector<File>('wycheproof/aes_wrap_test.json').testGroups.filter(
    (g) => g.keySize !== 192,
  );
  const tests = kw.flatMap((g) =>
    g.tests.map((t) => ({ ...t, alg: g.keySize === 128 ? 'ECDH-ES+A128KW' : 'ECDH-ES+A256KW' })),
  );
  // An unwrapped key opens an envelope only if it has a GCM key length (16 or 32 bytes).
  const opens = (t: Test) => t.result === 'valid' && (t.msg.length === 32 || t.msg.length === 64);

  it('pins the split: 15 valid wraps of 16- or 32-byte keys open; 9 valid wraps of other sizes, 2 acceptable and 84 invalid are refused', () => {
    const counts = [
      tests.filter(opens).length,
      tests.filter((t) => t.result === 'valid' && !opens(t)).length,
      tests.filter((t) => t.result === 'acceptable').length,
      tests.filter((t) => t.result === 'invalid').length,
    ];
    expect(counts).toEqual([15, 9, 2, 84]);
  });

  it.each(tests)('tcId $tcId ($alg, $flags, $result)', async (t) => {
    const cek = hex(t.msg);
    const enc = cek.length === 16 ? 'A128GCM' : 'A256GCM';
    // The content is sealed under the vector's key material so that an unwrap wrongly
    // accepted would open it; the encrypted key is the vector's wrapped key as given.
    const gcmKey =
      cek.length === 16 || cek.length === 32 ? cek : crypto.getRandomValues(new Uint8Array(32));
    const envelope = buildWithCek(
      { alg: t.alg, enc, epk },
      gcmKey,
      hex(t.ct),
      new TextEncoder().encode('kw'),
    );
    const result = await outcome({ ...device, crypto: forcedKdf(hex(t.key)) }, envelope);
    if (opens(t)) expect(result).toEqual(new TextEncoder().encode('kw'));
    else expect(result).toBe(`INVALID_ENVELOPE: ${OPEN_FAILED}`);
  });
});
