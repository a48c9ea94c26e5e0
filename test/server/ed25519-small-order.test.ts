// Ed25519 keys of small order, or spelled non-canonically, are refused wherever an OKP key
// enters the server. With such a key, R = identity and S = 0 is a valid signature (for some
// or all messages) under the cofactorless check WebCrypto does: a proof with no private key.

import { ed25519 } from '@noble/curves/ed25519.js';
import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import { encodeBase64url } from '../../src/core/base64url.js';
import type { PublicJwk } from '../../src/core/jwk.js';
import { MemoryReplayCache } from '../../src/server/replay-cache.js';
import { verifyHandshake } from '../../src/server/verify-handshake.js';
import { verifyRequest } from '../../src/server/verify-request.js';
import { rejection } from '../helpers/rejections.js';
import { newEncryptionKey } from './helpers/handshakes.js';
import { b64json, newKey, nowSeconds, randomJti, requestWith } from './helpers/proofs.js';

const hex = (text: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(text.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));

// The eight points of order dividing 8, as 32-byte little-endian encodings (RFC 8032 §5.1.2).
const SMALL_ORDER_POINTS: readonly { name: string; order: number; bytes: Uint8Array }[] = [
  { name: 'the identity', order: 1, bytes: hex(`01${'00'.repeat(31)}`) },
  { name: 'the point of order 2', order: 2, bytes: hex(`ec${'ff'.repeat(30)}7f`) },
  { name: 'a point of order 4 (x > 0)', order: 4, bytes: hex('00'.repeat(32)) },
  { name: 'a point of order 4 (x < 0)', order: 4, bytes: hex(`${'00'.repeat(31)}80`) },
  {
    name: 'a point of order 8 (1)',
    order: 8,
    bytes: hex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'),
  },
  {
    name: 'a point of order 8 (2)',
    order: 8,
    bytes: hex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85'),
  },
  {
    name: 'a point of order 8 (3)',
    order: 8,
    bytes: hex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'),
  },
  {
    name: 'a point of order 8 (4)',
    order: 8,
    bytes: hex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa'),
  },
];

// R = identity, S = 0.
const FORGED_SIGNATURE = hex(`01${'00'.repeat(63)}`);
const encoder = new TextEncoder();
const URL_ = 'https://api.example.com/v1/items';

function okp(bytes: Uint8Array): PublicJwk {
  return { kty: 'OKP', crv: 'Ed25519', x: encodeBase64url(bytes) };
}

function orderOf(bytes: Uint8Array): number {
  let point = ed25519.Point.fromBytes(bytes, true);
  for (let order = 1; order <= 8; order *= 2) {
    if (point.equals(ed25519.Point.ZERO)) return order;
    point = point.double();
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * A compact JWS with the forged signature that WebCrypto itself accepts for `jwk`: the payload
 * varies (by `jti`) until the hash makes [k]A the identity, as an attacker would retry.
 */
async function forgedToken(
  jwk: PublicJwk,
  typ: string,
  payload: (jti: string) => Record<string, unknown>,
): Promise<string> {
  const key = await crypto.subtle.importKey('jwk', jwk, { name: 'Ed25519' }, false, ['verify']);
  const header = b64json({ typ, alg: 'EdDSA', jwk });
  for (let attempt = 0; attempt < 1000; attempt++) {
    const input = `${header}.${b64json(payload(randomJti()))}`;
    if (await crypto.subtle.verify('Ed25519', key, FORGED_SIGNATURE, encoder.encode(input)))
      return `${input}.${encodeBase64url(FORGED_SIGNATURE)}`;
  }
  throw new Error('no forgery found');
}

/** A DPoP proof for GET {@link URL_} under `jwk`, forged as {@link forgedToken} does. */
function forgedProof(jwk: PublicJwk): Promise<string> {
  return forgedToken(jwk, 'dpop+jwt', (jti) => ({ jti, htm: 'GET', htu: URL_, iat: nowSeconds() }));
}

const encryptionKey = await newEncryptionKey();
const honest = await newKey('EdDSA');

describe.each(SMALL_ORDER_POINTS)('$name as an Ed25519 key', ({ order, bytes }) => {
  const jwk = okp(bytes);

  it(`has order ${order}, and WebCrypto accepts R = identity, S = 0 under it`, async () => {
    expect(orderOf(bytes)).toBe(order);
    // The precondition of the attack: the primitive alone does not stop it.
    const token = await forgedToken(jwk, 'dpop+jwt', (jti) => ({ jti }));
    expect(token.endsWith(encodeBase64url(FORGED_SIGNATURE))).toBe(true);
  });

  it('is refused in a handshake signed with R = identity, S = 0', async () => {
    const deviceId = await calculateJwkThumbprint(jwk);
    const token = await forgedToken(jwk, 'devicebind-handshake+jwt', (jti) => ({
      nonce: 'challenge-1',
      iat: nowSeconds(),
      jti,
      device_id: deviceId,
      encryption_key: encryptionKey,
    }));
    const err = await rejection(
      verifyHandshake(token, { expectedNonce: 'challenge-1' }),
      'INVALID_HANDSHAKE',
    );
    expect(err.message).toContain('small order');
  });

  it('is refused as the registered signingKey of verifyRequest', async () => {
    const proof = await forgedProof(jwk);
    const err = await rejection(
      verifyRequest(await requestWith(proof), {
        signingKey: jwk,
        replayCache: new MemoryReplayCache(),
      }),
      'INVALID_ARGUMENT',
    );
    expect(err.message).toContain('"options.signingKey".x is a point of small order');
  });

  it('is refused in the header of a DPoP proof signed with R = identity, S = 0', async () => {
    const proof = await forgedProof(jwk);
    const err = await rejection(
      verifyRequest(await requestWith(proof), {
        replayCache: new MemoryReplayCache(),
        signingKey: honest.publicJwk,
      }),
      'INVALID_PROOF',
    );
    expect(err.message).toContain('small order');
  });
});

describe('non-canonical Ed25519 encodings are refused', () => {
  // y ≥ p names the same point as y − p: a second spelling of one key (RFC 8032 §5.1.3).
  const p = 2n ** 255n - 19n;
  const encode = (y: bigint, sign = false): Uint8Array => {
    const bytes = new Uint8Array(32);
    for (let i = 0; i < 32; i++) bytes[i] = Number((y >> BigInt(8 * i)) & 0xffn);
    if (sign) bytes[31]! |= 0x80;
    return bytes;
  };
  // A point of large order whose y is below 19, so y + p still fits in 255 bits.
  const smallY = [...Array(17).keys()]
    .map((i) => BigInt(i + 2))
    .find((y) => {
      try {
        return !ed25519.Point.fromBytes(encode(y), false).isSmallOrder();
      } catch {
        return false;
      }
    })!;

  it('a key of large order is accepted in its canonical spelling', async () => {
    const jwk = okp(encode(smallY));
    // The key passes; what is refused is the (deliberately malformed) proof.
    const err = await rejection(
      verifyRequest(await requestWith('a.b.c'), {
        replayCache: new MemoryReplayCache(),
        signingKey: jwk,
      }),
      'INVALID_PROOF',
    );
    expect(err.message).not.toContain('signingKey');
  });

  it.each([
    ['y + p for that large-order key', () => encode(smallY + p)],
    ['y = p + 1 (the identity)', () => encode(p + 1n)],
    ['y = p (a point of order 4)', () => encode(p)],
    ['x = 0 with the sign bit set (the identity)', () => encode(1n, true)],
  ])('%s', async (_, bytes) => {
    const err = await rejection(
      verifyRequest(await requestWith('a.b.c'), {
        replayCache: new MemoryReplayCache(),
        signingKey: okp(bytes()),
      }),
      'INVALID_ARGUMENT',
    );
    expect(err.message).toMatch(
      /"options.signingKey".x is (not a canonical Ed25519 point|a point of small order)/,
    );
  });
});
