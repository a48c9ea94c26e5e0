import { constants, createPublicKey, publicEncrypt } from 'node:crypto';
import { CompactEncrypt, FlattenedEncrypt, importJWK, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CryptoBackend } from '../../src/core/crypto-backend.js';
import { OPEN_FAILED } from '../../src/core/envelope/failure.js';
import { openEnvelopeWithKey } from '../../src/core/envelope/open-envelope.js';
import type { EnvelopeKey } from '../../src/core/envelope/types.js';
import { DeviceBindingError } from '../../src/core/errors.js';
import type { KeyStore } from '../../src/keystores/contract.js';
import { sealEnvelope } from '../../src/server/seal-envelope.js';
import {
  b64u,
  buildWithCek,
  headerOf,
  joinCompact,
  splitCompact,
  withHeader,
} from './helpers/build-jwe.js';
import {
  backend,
  fixedRsaDevice,
  fixedRsaJwk,
  jwkDevice,
  memoryDevice,
  rejection,
} from './helpers/devices.js';
import type { JwkKeyStore } from './helpers/jwk-key-store.js';
import { generateEcJwk } from './helpers/jwk-key-store.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;

function coordinate(n: bigint): string {
  return b64u(Buffer.from(n.toString(16).padStart(64, '0'), 'hex'));
}
function fromCoordinate(text: string): bigint {
  return BigInt(`0x${Buffer.from(text, 'base64url').toString('hex')}`);
}

/** Asserts `envelope` is refused with `code` (and, for INVALID_ENVELOPE after parsing, the fixed message). */
async function refused(
  key: EnvelopeKey,
  envelope: string | object,
  code: string,
  aad?: string,
): Promise<DeviceBindingError> {
  const err = await rejection(
    openEnvelopeWithKey(key, envelope as string, aad === undefined ? {} : { aad }),
  );
  expect(err.code).toBe(code);
  return err;
}

function flipBit(data: Uint8Array, bit: number): Uint8Array {
  const out = data.slice();
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}

async function joseKey(key: EnvelopeKey, alg: string) {
  return importJWK(key.info.publicKey as unknown as JWK, alg);
}

describe('envelope attacks', () => {
  let deviceA: EnvelopeKey & { keyStore: JwkKeyStore };
  let deviceB: EnvelopeKey;
  let envelope: string;
  beforeAll(async () => {
    deviceA = await jwkDevice(await generateEcJwk(), 'ECDH-ES');
    deviceB = await memoryDevice();
    envelope = await sealEnvelope(bytes('paid content'), deviceA.info.publicKey);
  });

  it('refuses a flattened envelope opened with the wrong aad', async () => {
    const flat = await sealEnvelope(bytes('x'), deviceA.info.publicKey, { aad: 'order-1' });
    const err = await refused(deviceA, flat, 'INVALID_ENVELOPE', 'order-2');
    expect(err.message).toBe(OPEN_FAILED);
  });

  it('refuses a flattened envelope opened without its aad', async () => {
    const flat = await sealEnvelope(bytes('x'), deviceA.info.publicKey, { aad: 'order-1' });
    await refused(deviceA, flat, 'INVALID_ENVELOPE');
  });

  it('refuses a flattened envelope whose aad member was swapped, even with the original aad', async () => {
    const flat = JSON.parse(
      await sealEnvelope(bytes('x'), deviceA.info.publicKey, { aad: 'order-1' }),
    ) as Record<string, string>;
    await refused(deviceA, { ...flat, aad: b64u('order-2') }, 'INVALID_ENVELOPE', 'order-1');
    await refused(deviceA, { ...flat, aad: b64u('order-2') }, 'INVALID_ENVELOPE', 'order-2');
  });

  it('refuses a flattened envelope with its aad member removed', async () => {
    const { aad: _, ...flat } = JSON.parse(
      await sealEnvelope(bytes('x'), deviceA.info.publicKey, { aad: 'order-1' }),
    ) as Record<string, string>;
    await refused(deviceA, flat, 'INVALID_ENVELOPE');
    await refused(deviceA, flat, 'INVALID_ENVELOPE', 'order-1');
  });

  it('refuses a compact envelope opened with an aad it was not sealed with', async () => {
    await refused(deviceA, envelope, 'INVALID_ENVELOPE', 'unexpected');
  });

  it("refuses device A's envelope on device B", async () => {
    const err = await refused(deviceB, envelope, 'INVALID_ENVELOPE');
    expect(err.message).toBe(OPEN_FAILED);
  });

  it("refuses device A's RSA envelope on device B's RSA key", async () => {
    const rsaA = await fixedRsaDevice('RSA-OAEP-256', 'a');
    const rsaB = await fixedRsaDevice('RSA-OAEP-256', 'b');
    const rsaEnvelope = await sealEnvelope(bytes('x'), rsaA.info.publicKey);
    const err = await refused(rsaB, rsaEnvelope, 'INVALID_ENVELOPE');
    expect(err.message).toBe(OPEN_FAILED);
  });

  it('refuses one flipped bit anywhere in the protected header', async () => {
    const parts = splitCompact(envelope);
    for (let bit = 0; bit < parts[0]!.length * 8; bit++) {
      const tampered = joinCompact([flipBit(parts[0]!, bit), ...parts.slice(1)]);
      const err = await rejection(openEnvelopeWithKey(deviceA, tampered));
      expect(['INVALID_ENVELOPE', 'UNSUPPORTED_ALGORITHM']).toContain(err.code);
    }
  });

  it('refuses one flipped bit anywhere in the encrypted key', async () => {
    const parts = splitCompact(envelope);
    for (let bit = 0; bit < parts[1]!.length * 8; bit++) {
      const tampered = joinCompact([parts[0]!, flipBit(parts[1]!, bit), ...parts.slice(2)]);
      expect((await refused(deviceA, tampered, 'INVALID_ENVELOPE')).message).toBe(OPEN_FAILED);
    }
  });

  it('refuses one flipped bit anywhere in the iv', async () => {
    const parts = splitCompact(envelope);
    for (let bit = 0; bit < 96; bit++) {
      const tampered = joinCompact([
        parts[0]!,
        parts[1]!,
        flipBit(parts[2]!, bit),
        parts[3]!,
        parts[4]!,
      ]);
      expect((await refused(deviceA, tampered, 'INVALID_ENVELOPE')).message).toBe(OPEN_FAILED);
    }
  });

  it('refuses one flipped bit anywhere in the ciphertext', async () => {
    const parts = splitCompact(envelope);
    for (let bit = 0; bit < parts[3]!.length * 8; bit++) {
      const tampered = joinCompact([
        parts[0]!,
        parts[1]!,
        parts[2]!,
        flipBit(parts[3]!, bit),
        parts[4]!,
      ]);
      expect((await refused(deviceA, tampered, 'INVALID_ENVELOPE')).message).toBe(OPEN_FAILED);
    }
  });

  it('refuses one flipped bit anywhere in the tag', async () => {
    const parts = splitCompact(envelope);
    for (let bit = 0; bit < 128; bit++) {
      const tampered = joinCompact([...parts.slice(0, 4), flipBit(parts[4]!, bit)]);
      expect((await refused(deviceA, tampered, 'INVALID_ENVELOPE')).message).toBe(OPEN_FAILED);
    }
  });

  it('refuses one flipped bit anywhere in the compact text', async () => {
    for (let i = 0; i < envelope.length; i++) {
      for (let bit = 0; bit < 7; bit++) {
        const tampered =
          envelope.slice(0, i) +
          String.fromCharCode(envelope.charCodeAt(i) ^ (1 << bit)) +
          envelope.slice(i + 1);
        const err = await rejection(openEnvelopeWithKey(deviceA, tampered));
        expect(['INVALID_ENVELOPE', 'UNSUPPORTED_ALGORITHM']).toContain(err.code);
      }
    }
  });

  it('refuses every part truncated by one character, and by a whole part', async () => {
    const parts = envelope.split('.');
    for (let p = 0; p < 5; p++) {
      if (parts[p]!.length === 0) continue;
      const shorter = parts.map((part, i) => (i === p ? part.slice(0, -1) : part)).join('.');
      await rejection(openEnvelopeWithKey(deviceA, shorter));
      const emptied = parts.map((part, i) => (i === p ? '' : part)).join('.');
      await rejection(openEnvelopeWithKey(deviceA, emptied));
    }
    await refused(deviceA, parts.slice(0, 4).join('.'), 'INVALID_ENVELOPE');
    await refused(deviceA, envelope.slice(0, envelope.length - 1), 'INVALID_ENVELOPE');
  });

  it('refuses a compact envelope with a sixth part, small or large, before using the key', async () => {
    const large = await sealEnvelope(new Uint8Array(100_000), deviceA.info.publicKey);
    const calls = deviceA.keyStore.calls;
    for (const sealed of [envelope, large]) {
      const parts = sealed.split('.');
      const ciphertext = parts[3]!;
      const at = ciphertext.length >> 1;
      const extraDot = [
        ...parts.slice(0, 3),
        `${ciphertext.slice(0, at)}.${ciphertext.slice(at)}`,
        parts[4],
      ].join('.');
      for (const sixParts of [extraDot, `${sealed}.${parts[4]}`]) {
        const err = await refused(deviceA, sixParts, 'INVALID_ENVELOPE');
        expect(err.message).toContain('five parts');
      }
    }
    expect(deviceA.keyStore.calls).toBe(calls);
  });

  it('refuses a tag truncated to 15, 12 or 8 bytes', async () => {
    const parts = splitCompact(envelope);
    for (const length of [15, 12, 8]) {
      await refused(
        deviceA,
        joinCompact([...parts.slice(0, 4), parts[4]!.subarray(0, length)]),
        'INVALID_ENVELOPE',
      );
    }
  });

  it('refuses a compressed ("zip": "DEF") envelope made by jose', async () => {
    const zipped = await new CompactEncrypt(bytes('compress me'))
      .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', zip: 'DEF' })
      .encrypt(await joseKey(deviceA, 'ECDH-ES+A256KW'));
    const err = await refused(deviceA, zipped, 'UNSUPPORTED_ALGORITHM');
    expect(err.message).toContain('zip');
  });

  it('refuses an A128CBC-HS256 envelope made by jose', async () => {
    const cbc = await new CompactEncrypt(bytes('cbc'))
      .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A128CBC-HS256' })
      .encrypt(await joseKey(deviceA, 'ECDH-ES+A256KW'));
    await refused(deviceA, cbc, 'UNSUPPORTED_ALGORITHM');
  });

  it('refuses an A192GCM envelope made by jose', async () => {
    const a192 = await new CompactEncrypt(bytes('a192'))
      .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A192GCM' })
      .encrypt(await joseKey(deviceA, 'ECDH-ES+A256KW'));
    await refused(deviceA, a192, 'UNSUPPORTED_ALGORITHM');
  });

  it('refuses an ECDH-ES+A192KW envelope made by jose', async () => {
    const kw192 = await new CompactEncrypt(bytes('kw192'))
      .setProtectedHeader({ alg: 'ECDH-ES+A192KW', enc: 'A256GCM' })
      .encrypt(await joseKey(deviceA, 'ECDH-ES+A192KW'));
    await refused(deviceA, kw192, 'UNSUPPORTED_ALGORITHM');
  });

  it('refuses a "dir" envelope made by jose', async () => {
    const dir = await new CompactEncrypt(bytes('dir'))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .encrypt(crypto.getRandomValues(new Uint8Array(32)));
    await refused(deviceA, dir, 'UNSUPPORTED_ALGORITHM');
  });

  it('refuses an A256KW envelope made by jose', async () => {
    const kw = await new CompactEncrypt(bytes('kw'))
      .setProtectedHeader({ alg: 'A256KW', enc: 'A256GCM' })
      .encrypt(crypto.getRandomValues(new Uint8Array(32)));
    await refused(deviceA, kw, 'UNSUPPORTED_ALGORITHM');
  });

  it('refuses a PBES2 envelope made by jose', async () => {
    const pbes2 = await new CompactEncrypt(bytes('password'))
      .setProtectedHeader({ alg: 'PBES2-HS256+A128KW', enc: 'A128GCM' })
      .encrypt(bytes('correct horse battery staple'));
    await refused(deviceA, pbes2, 'UNSUPPORTED_ALGORITHM');
  });

  it('refuses an RSA1_5 envelope to an RSA key', async () => {
    const rsa = await fixedRsaDevice('RSA-OAEP-256');
    const jwk = fixedRsaJwk('a');
    const cek = crypto.getRandomValues(new Uint8Array(16));
    const publicKey = createPublicKey({ key: { kty: 'RSA', n: jwk.n!, e: jwk.e! }, format: 'jwk' });
    const encryptedKey = publicEncrypt(
      { key: publicKey, padding: constants.RSA_PKCS1_PADDING },
      cek,
    );
    const rsa15 = buildWithCek(
      { alg: 'RSA1_5', enc: 'A128GCM' },
      cek,
      new Uint8Array(encryptedKey),
      bytes('pkcs1'),
    );
    await refused(rsa, rsa15, 'UNSUPPORTED_ALGORITHM');
    expect(rsa.keyStore.calls).toBe(0);
  });

  it('refuses an envelope with a "crit" header, even one naming a registered parameter', async () => {
    await refused(
      deviceA,
      withHeader(envelope, { ...headerOf(envelope), crit: ['exp'], exp: 1 }),
      'UNSUPPORTED_ALGORITHM',
    );
    await refused(
      deviceA,
      withHeader(envelope, { ...headerOf(envelope), crit: [] }),
      'UNSUPPORTED_ALGORITHM',
    );
  });

  it('refuses an envelope without "alg" or "enc"', async () => {
    const { alg: _a, ...noAlg } = headerOf(envelope);
    const { enc: _e, ...noEnc } = headerOf(envelope);
    await refused(deviceA, withHeader(envelope, noAlg), 'UNSUPPORTED_ALGORITHM');
    await refused(deviceA, withHeader(envelope, noEnc), 'UNSUPPORTED_ALGORITHM');
  });

  describe('ephemeral key validation (before the key store is asked)', () => {
    async function epkRefused(epk: unknown, code = 'INVALID_ENVELOPE'): Promise<void> {
      const before = deviceA.keyStore.calls;
      await refused(deviceA, withHeader(envelope, { ...headerOf(envelope), epk }), code);
      expect(deviceA.keyStore.calls).toBe(before);
    }
    const epkOf = () =>
      headerOf(envelope).epk as { kty: string; crv: string; x: string; y: string };

    it('refuses an epk off the curve (y + 1)', async () => {
      const epk = epkOf();
      await epkRefused({ ...epk, y: coordinate((fromCoordinate(epk.y) + 1n) % P) });
    });

    it('refuses an epk off the curve (x + 1)', async () => {
      const epk = epkOf();
      await epkRefused({ ...epk, x: coordinate((fromCoordinate(epk.x) + 1n) % P) });
    });

    it('refuses the all-zero epk (0, 0)', async () => {
      await epkRefused({ kty: 'EC', crv: 'P-256', x: coordinate(0n), y: coordinate(0n) });
    });

    it('refuses an epk with coordinates of p (an encoding of the point at infinity some libraries use)', async () => {
      await epkRefused({ kty: 'EC', crv: 'P-256', x: coordinate(P), y: coordinate(P) });
    });

    it('refuses an epk whose coordinates are reduced mod p plus p (non-canonical)', async () => {
      const epk = epkOf();
      const x = fromCoordinate(epk.x);
      if (x + P < 2n ** 256n) await epkRefused({ ...epk, x: coordinate(x + P) });
      await epkRefused({ ...epk, y: coordinate(fromCoordinate(epk.y) + (2n ** 256n - P)) });
    });

    it('refuses an epk on another curve (P-384)', async () => {
      const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-384' }, true, [
        'deriveBits',
      ]);
      const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
      await epkRefused({ kty, crv, x, y }, 'UNSUPPORTED_ALGORITHM');
    });

    it('refuses an X25519 epk', async () => {
      await epkRefused(
        { kty: 'OKP', crv: 'X25519', x: b64u(new Uint8Array(32).fill(9)) },
        'UNSUPPORTED_ALGORITHM',
      );
    });

    it('refuses an epk that carries a private key', async () => {
      await epkRefused({ ...epkOf(), d: b64u(new Uint8Array(32).fill(1)) });
    });

    it('refuses an epk with 31- or 33-byte coordinates', async () => {
      const epk = epkOf();
      await epkRefused({ ...epk, x: b64u(Buffer.from(epk.x, 'base64url').subarray(1)) });
      await epkRefused({
        ...epk,
        y: b64u(Buffer.concat([Buffer.alloc(1), Buffer.from(epk.y, 'base64url')])),
      });
    });

    it('refuses a missing or non-object epk', async () => {
      const { epk: _, ...noEpk } = headerOf(envelope);
      await refused(deviceA, withHeader(envelope, noEpk), 'INVALID_ENVELOPE');
      await epkRefused('not a key');
      await epkRefused(null);
      await epkRefused([1, 2]);
    });

    it('refuses malformed apu / apv', async () => {
      await refused(
        deviceA,
        withHeader(envelope, { ...headerOf(envelope), apu: 5 }),
        'INVALID_ENVELOPE',
      );
      await refused(
        deviceA,
        withHeader(envelope, { ...headerOf(envelope), apv: 'not base64url!' }),
        'INVALID_ENVELOPE',
      );
    });
  });

  describe('algorithm / key mismatch', () => {
    it('refuses an RSA-OAEP envelope to an RSA-OAEP-256 key, without asking the store', async () => {
      const rsa256 = await fixedRsaDevice('RSA-OAEP-256');
      const sha1 = await new CompactEncrypt(bytes('x'))
        .setProtectedHeader({ alg: 'RSA-OAEP', enc: 'A256GCM' })
        .encrypt(
          await importJWK({ ...(rsa256.info.publicKey as JWK), alg: 'RSA-OAEP' }, 'RSA-OAEP'),
        );
      const err = await refused(rsa256, sha1, 'UNSUPPORTED_ALGORITHM');
      expect(err.message).toContain('RSA-OAEP');
      expect(rsa256.keyStore.calls).toBe(0);
    });

    it('refuses an RSA-OAEP-256 envelope to an RSA-OAEP key', async () => {
      const rsa1 = await fixedRsaDevice('RSA-OAEP');
      const sha256 = await new CompactEncrypt(bytes('x'))
        .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM' })
        .encrypt(
          await importJWK({ ...(rsa1.info.publicKey as JWK), alg: 'RSA-OAEP-256' }, 'RSA-OAEP-256'),
        );
      await refused(rsa1, sha256, 'UNSUPPORTED_ALGORITHM');
    });

    it('refuses an ECDH envelope to an RSA key', async () => {
      await refused(await fixedRsaDevice('RSA-OAEP-256'), envelope, 'UNSUPPORTED_ALGORITHM');
    });

    it('refuses an RSA envelope to an EC key', async () => {
      const rsa = await fixedRsaDevice('RSA-OAEP-256');
      await refused(
        deviceA,
        await sealEnvelope(bytes('x'), rsa.info.publicKey),
        'UNSUPPORTED_ALGORITHM',
      );
    });
  });

  describe('serialization', () => {
    it('refuses a flattened envelope with an unprotected header', async () => {
      const flat = await new FlattenedEncrypt(bytes('x'))
        .setProtectedHeader({ enc: 'A256GCM' })
        .setSharedUnprotectedHeader({ alg: 'ECDH-ES+A256KW' })
        .encrypt(await joseKey(deviceA, 'ECDH-ES+A256KW'));
      await refused(deviceA, flat, 'INVALID_ENVELOPE');
      const withHeaderMember = {
        ...(JSON.parse(
          await sealEnvelope(bytes('x'), deviceA.info.publicKey, { aad: 'a' }),
        ) as object),
        header: { kid: '1' },
      };
      await refused(deviceA, withHeaderMember, 'INVALID_ENVELOPE', 'a');
    });

    it('refuses the general JSON serialization (recipients)', async () => {
      const flat = JSON.parse(
        await sealEnvelope(bytes('x'), deviceA.info.publicKey, { aad: 'a' }),
      ) as Record<string, string>;
      const general = {
        protected: flat.protected,
        iv: flat.iv,
        ciphertext: flat.ciphertext,
        tag: flat.tag,
        aad: flat.aad,
        recipients: [{ encrypted_key: flat.encrypted_key }],
      };
      await refused(deviceA, general, 'INVALID_ENVELOPE', 'a');
      await refused(deviceA, JSON.stringify(general), 'INVALID_ENVELOPE', 'a');
    });

    it('refuses JSON text that does not parse, and JSON that is not an object', async () => {
      await refused(deviceA, '{"protected":', 'INVALID_ENVELOPE');
      await refused(deviceA, '{}', 'INVALID_ENVELOPE');
      await refused(deviceA, '[]', 'INVALID_ENVELOPE');
      await refused(deviceA, [] as unknown as object, 'INVALID_ARGUMENT');
    });

    it('refuses a protected header that is not a JSON object', async () => {
      const parts = envelope.split('.');
      for (const header of ['[]', '"alg"', 'null', '{', '{"alg":"ECDH-ES+A256KW",}']) {
        await refused(deviceA, [b64u(header), ...parts.slice(1)].join('.'), 'INVALID_ENVELOPE');
      }
      await refused(deviceA, ['', ...parts.slice(1)].join('.'), 'INVALID_ENVELOPE');
      await refused(
        deviceA,
        [b64u(Uint8Array.of(0xff, 0xfe)), ...parts.slice(1)].join('.'),
        'INVALID_ENVELOPE',
      );
    });

    it('refuses direct ECDH-ES with a non-empty encrypted key', async () => {
      const direct = await new CompactEncrypt(bytes('x'))
        .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM' })
        .encrypt(await joseKey(deviceA, 'ECDH-ES'));
      const parts = direct.split('.');
      parts[1] = b64u(new Uint8Array(40));
      await refused(deviceA, parts.join('.'), 'INVALID_ENVELOPE');
    });

    it('refuses non-canonical base64url: set trailing bits, padding, "+", "/", whitespace', async () => {
      const parts = envelope.split('.');
      const tag = parts[4]!; // 22 characters: the last one carries 4 unused bits
      const last = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.indexOf(
        tag.at(-1)!,
      );
      const variant = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[last | 1]!;
      await refused(
        deviceA,
        [...parts.slice(0, 4), tag.slice(0, -1) + variant].join('.'),
        'INVALID_ENVELOPE',
      );
      await refused(deviceA, [...parts.slice(0, 4), `${tag}==`].join('.'), 'INVALID_ENVELOPE');
      const ct = parts[3]!;
      for (const bad of ['+', '/', ' ', '\n', '=']) {
        await refused(
          deviceA,
          [...parts.slice(0, 3), `${ct.slice(0, 4)}${bad}${ct.slice(5)}`, tag].join('.'),
          'INVALID_ENVELOPE',
        );
      }
    });

    it('refuses non-canonical base64url in a large ciphertext (native decoder path)', async () => {
      const big = await sealEnvelope(new Uint8Array(300_000), deviceA.info.publicKey);
      const parts = big.split('.');
      const ct = parts[3]!;
      const at = 200_001;
      for (const bad of ['+', '/', ' ', '\n', '=', '.', '\u00e9', '\u0141', '\u{1F600}']) {
        await refused(
          deviceA,
          [...parts.slice(0, 3), ct.slice(0, at) + bad + ct.slice(at + 1), parts[4]].join('.'),
          'INVALID_ENVELOPE',
        );
      }
      // One character more or fewer.
      await refused(
        deviceA,
        [...parts.slice(0, 3), `${ct}A`, parts[4]].join('.'),
        'INVALID_ENVELOPE',
      );
      await refused(
        deviceA,
        [...parts.slice(0, 3), ct.slice(1), parts[4]].join('.'),
        'INVALID_ENVELOPE',
      );
    });
  });

  describe('no oracle: one error, one path', () => {
    it('gives the same code and message for every failure after parsing', async () => {
      const rsaA = await fixedRsaDevice('RSA-OAEP-256', 'a');
      const rsaB = await fixedRsaDevice('RSA-OAEP-256', 'b');
      const rsaEnvelope = await sealEnvelope(bytes('x'), rsaA.info.publicKey);
      const rsaParts = splitCompact(rsaEnvelope);
      const parts = splitCompact(envelope);
      const flat = await sealEnvelope(bytes('x'), deviceA.info.publicKey, { aad: 'a' });
      const failures = await Promise.all([
        rejection(openEnvelopeWithKey(deviceB, envelope)),
        rejection(openEnvelopeWithKey(deviceA, flat, { aad: 'b' })),
        rejection(
          openEnvelopeWithKey(
            deviceA,
            joinCompact([parts[0]!, flipBit(parts[1]!, 3), ...parts.slice(2)]),
          ),
        ),
        rejection(
          openEnvelopeWithKey(
            deviceA,
            joinCompact([...parts.slice(0, 3), flipBit(parts[3]!, 3), parts[4]!]),
          ),
        ),
        rejection(
          openEnvelopeWithKey(deviceA, joinCompact([...parts.slice(0, 4), flipBit(parts[4]!, 3)])),
        ),
        rejection(openEnvelopeWithKey(rsaB, rsaEnvelope)),
        rejection(
          openEnvelopeWithKey(
            rsaA,
            joinCompact([rsaParts[0]!, flipBit(rsaParts[1]!, 9), ...rsaParts.slice(2)]),
          ),
        ),
        rejection(
          openEnvelopeWithKey(
            rsaA,
            joinCompact([rsaParts[0]!, rsaParts[1]!.subarray(0, -1), ...rsaParts.slice(2)]),
          ),
        ),
      ]);
      for (const err of failures) {
        expect(err.code).toBe('INVALID_ENVELOPE');
        expect(err.message).toBe(OPEN_FAILED);
        expect(err.cause).toBeUndefined();
      }
    });

    function countingBackend(): CryptoBackend & { gcmDecrypts: number } {
      const counting = {
        ...backend,
        gcmDecrypts: 0,
        aesGcmDecrypt(...args: Parameters<CryptoBackend['aesGcmDecrypt']>) {
          counting.gcmDecrypts++;
          return backend.aesGcmDecrypt(...args);
        },
      };
      return counting;
    }

    it('goes on to AES-GCM with a random key after a failed AES key unwrap (RFC 7516 §11.5)', async () => {
      const crypto = countingBackend();
      const parts = splitCompact(envelope);
      const err = await rejection(
        openEnvelopeWithKey(
          { ...deviceA, crypto },
          joinCompact([parts[0]!, flipBit(parts[1]!, 0), ...parts.slice(2)]),
        ),
      );
      expect(err.message).toBe(OPEN_FAILED);
      expect(crypto.gcmDecrypts).toBe(1);
    });

    it('goes on to AES-GCM with a random key after a failed RSA decryption', async () => {
      const rsa = await fixedRsaDevice('RSA-OAEP-256');
      const crypto = countingBackend();
      const parts = splitCompact(await sealEnvelope(bytes('x'), rsa.info.publicKey));
      const err = await rejection(
        openEnvelopeWithKey(
          { ...rsa, crypto },
          joinCompact([parts[0]!, flipBit(parts[1]!, 0), ...parts.slice(2)]),
        ),
      );
      expect(err.message).toBe(OPEN_FAILED);
      expect(crypto.gcmDecrypts).toBe(1);
      expect(rsa.keyStore.calls).toBe(1);
    });

    it('goes on with a random key when the store returns a key of the wrong length', async () => {
      const rsa = await fixedRsaDevice('RSA-OAEP-256');
      const crypto = countingBackend();
      const store: KeyStore = { ...rsa.keyStore, decrypt: async () => new Uint8Array(16) };
      const err = await rejection(
        openEnvelopeWithKey(
          { ...rsa, keyStore: store, crypto },
          await sealEnvelope(bytes('x'), rsa.info.publicKey),
        ),
      );
      expect(err.message).toBe(OPEN_FAILED);
      expect(crypto.gcmDecrypts).toBe(1);
    });

    it('passes on store errors about the key or the user (USER_CANCELLED, KEY_NOT_FOUND)', async () => {
      for (const code of ['USER_CANCELLED', 'KEY_NOT_FOUND', 'KEY_INVALIDATED'] as const) {
        const store: KeyStore = {
          ...deviceA.keyStore,
          deriveSharedSecret: async () =>
            Promise.reject(new DeviceBindingError(code, 'from the store')),
        };
        expect(
          (await rejection(openEnvelopeWithKey({ ...deviceA, keyStore: store }, envelope))).code,
        ).toBe(code);
        const rsa = await fixedRsaDevice('RSA-OAEP-256');
        const rsaStore: KeyStore = {
          ...rsa.keyStore,
          decrypt: async () => Promise.reject(new DeviceBindingError(code, 'from the store')),
        };
        expect(
          (
            await rejection(
              openEnvelopeWithKey(
                { ...rsa, keyStore: rsaStore },
                await sealEnvelope(bytes('x'), rsa.info.publicKey),
              ),
            )
          ).code,
        ).toBe(code);
      }
    });

    it('reports KEYSTORE_ERROR when the store returns a malformed shared secret or throws a raw error', async () => {
      for (const deriveSharedSecret of [
        async () => new Uint8Array(31),
        async () => 'not bytes' as unknown as Uint8Array,
        async () => Promise.reject(new TypeError('bridge')),
      ]) {
        const store: KeyStore = { ...deviceA.keyStore, deriveSharedSecret };
        expect(
          (await rejection(openEnvelopeWithKey({ ...deviceA, keyStore: store }, envelope))).code,
        ).toBe('KEYSTORE_ERROR');
      }
    });
  });
});
