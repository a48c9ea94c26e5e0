// Checks of encryption keys: ECDH against a peer's own computation and peer-key validation,
// RSA-OAEP round trips, corrupted ciphertexts and OAEP hash strictness, and key purpose.

import { decodeBase64url, encodeBase64url } from '../../../core/base64url.js';
import { equalBytes } from '../../../core/bytes.js';
import type { DeviceBindingErrorCode } from '../../../core/errors.js';
import type { EcPublicJwk, PublicJwk } from '../../../core/jwk.js';
import { attempt, ensure, expectRejection } from '../expectations.js';
import {
  createEcdhPeer,
  flipBit,
  isUint8Array,
  OAEP_HASH,
  rsaOaepEncrypt,
} from '../independent-crypto.js';
import { encryptAndDecrypt, generate, keyOperationOf, operationCall } from '../key-operations.js';
import type { AlgorithmCheck } from './check.js';

// The P-256 field prime (SEC 2 §2.4.2): coordinates equal to it are never on the curve.
const P256_PRIME = 'ffffffff00000001000000000000000000000000ffffffffffffffffffffffff';

function hexToBase64url(hex: string): string {
  return encodeBase64url(Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16)));
}

/** A base64url coordinate with the lowest bit of its last byte flipped. */
function flippedCoordinate(coordinate: string): string {
  return encodeBase64url(flipBit(decodeBase64url(coordinate), -1));
}

/** @internal */
export const encryptionKeyRefusesOtherOperations: AlgorithmCheck = {
  id: 'encryption-key-refuses-other-operations',
  scope: 'encryption',
  description:
    'An encryption key cannot sign, and cannot do the other kind of key operation (an ECDH key cannot decrypt, an RSA key cannot derive): these reject with UNSUPPORTED_ALGORITHM.',
  async run(ctx, algorithm) {
    const alias = ctx.alias('enc-purpose');
    await generate(ctx, algorithm, alias);
    const data = ctx.random(32);
    await expectRejection('sign() with an encryption key', () => ctx.store.sign(alias, data), [
      'UNSUPPORTED_ALGORITHM',
    ]);
    const other = keyOperationOf(algorithm) === 'agree' ? 'decrypt' : 'agree';
    const { what, call } = await operationCall(ctx, other, alias);
    await expectRejection(`${what} with an ${algorithm} key`, call, ['UNSUPPORTED_ALGORITHM']);
  },
};

/** @internal */
export const ecdhMatchesPeer: AlgorithmCheck = {
  id: 'ecdh-matches-peer',
  scope: 'ecdh',
  description:
    "deriveSharedSecret returns the 32-byte Z the peer computes itself against the key's public JWK, the same Z each time for one peer and another Z for another peer.",
  async run(ctx) {
    const alias = ctx.alias('ecdh');
    const { publicKey } = await generate(ctx, 'ECDH-ES', alias);
    ensure(publicKey.kty === 'EC', 'an ECDH-ES key must be a P-256 key (kty "EC")');
    const peers = [await createEcdhPeer(ctx.subtle), await createEcdhPeer(ctx.subtle)];
    const secrets: Uint8Array[] = [];
    for (const [i, peer] of peers.entries()) {
      const secret = await attempt('deriveSharedSecret()', () =>
        ctx.store.deriveSharedSecret(alias, peer.publicKey),
      );
      ensure(isUint8Array(secret), 'deriveSharedSecret() must resolve to a Uint8Array');
      ensure(
        secret.length === 32,
        `deriveSharedSecret() returned ${secret.length} bytes; Z on P-256 is 32 bytes`,
      );
      const expected = await peer.deriveWith(publicKey);
      ensure(
        equalBytes(secret, expected),
        `the shared secret with peer ${i + 1} differs from the peer's own ECDH computation against the key's public JWK`,
      );
      const again = await attempt('deriveSharedSecret() again', () =>
        ctx.store.deriveSharedSecret(alias, peer.publicKey),
      );
      ensure(
        isUint8Array(again) && equalBytes(again, secret),
        'deriveSharedSecret() with one peer changed between calls',
      );
      secrets.push(secret);
    }
    ensure(
      !equalBytes(secrets[0]!, secrets[1]!),
      'two different peers gave the same shared secret',
    );
  },
};

/** @internal */
export const ecdhRejectsOffCurvePeer: AlgorithmCheck = {
  id: 'ecdh-rejects-off-curve-peer',
  scope: 'ecdh',
  description:
    'deriveSharedSecret validates the peer key: a point not on P-256 (invalid-curve attack) rejects with INVALID_ARGUMENT.',
  async run(ctx) {
    const alias = ctx.alias('off-curve');
    await generate(ctx, 'ECDH-ES', alias);
    const { publicKey: valid } = await createEcdhPeer(ctx.subtle);
    const zero = encodeBase64url(new Uint8Array(32));
    const prime = hexToBase64url(P256_PRIME);
    const points: [string, EcPublicJwk][] = [
      ['a valid x with a changed y', { ...valid, y: flippedCoordinate(valid.y) }],
      ['a changed x with a valid y', { ...valid, x: flippedCoordinate(valid.x) }],
      ['the point (0, 0)', { kty: 'EC', crv: 'P-256', x: zero, y: zero }],
      ['coordinates equal to the field prime', { kty: 'EC', crv: 'P-256', x: prime, y: prime }],
    ];
    for (const [label, peer] of points) {
      await expectRejection(
        `deriveSharedSecret() with ${label}`,
        () => ctx.store.deriveSharedSecret(alias, peer),
        ['INVALID_ARGUMENT'],
      );
    }
  },
};

/** @internal */
export const ecdhRejectsMalformedPeer: AlgorithmCheck = {
  id: 'ecdh-rejects-malformed-peer',
  scope: 'ecdh',
  description:
    'deriveSharedSecret with a peer key that is not a public P-256 JWK (missing or malformed members, another curve or key type, a private member) rejects with INVALID_ARGUMENT or UNSUPPORTED_ALGORITHM.',
  async run(ctx) {
    const alias = ctx.alias('malformed-peer');
    await generate(ctx, 'ECDH-ES', alias);
    const { publicKey: valid } = await createEcdhPeer(ctx.subtle);
    const b64 = (length: number) => encodeBase64url(ctx.random(length));
    const peers: [string, unknown][] = [
      ['undefined', undefined],
      ['null', null],
      ['a string', 'not a key'],
      ['an empty object', {}],
      ['a key without y', { kty: 'EC', crv: 'P-256', x: valid.x }],
      ['a 31-byte x', { ...valid, x: b64(31) }],
      ['x that is not base64url', { ...valid, x: `${valid.x.slice(0, 42)}!` }],
      ['a P-384 key', { kty: 'EC', crv: 'P-384', x: b64(48), y: b64(48) }],
      ['an X25519 key', { kty: 'OKP', crv: 'X25519', x: b64(32) }],
      ['an RSA key', { kty: 'RSA', n: b64(256), e: 'AQAB' }],
      ['a key with a private member d', { ...valid, d: b64(32) }],
    ];
    for (const [label, peer] of peers) {
      await expectRejection(
        `deriveSharedSecret() with ${label}`,
        () => ctx.store.deriveSharedSecret(alias, peer as PublicJwk),
        ['INVALID_ARGUMENT', 'UNSUPPORTED_ALGORITHM'],
      );
    }
  },
};

/** @internal */
export const rsaOaepRoundTrip: AlgorithmCheck = {
  id: 'rsa-oaep-round-trip',
  scope: 'rsa',
  description:
    "The public JWK's alg names the key's OAEP variant, and what WebCrypto encrypts to it with that variant (16- and 32-byte content keys) the store decrypts.",
  async run(ctx, algorithm) {
    const alias = ctx.alias('oaep');
    const { publicKey } = await generate(ctx, algorithm, alias);
    ensure(
      publicKey.alg === algorithm,
      `the public JWK says alg ${String(publicKey.alg)}; an ${algorithm} key must say ${algorithm}`,
    );
    await encryptAndDecrypt(ctx, algorithm, alias, publicKey, ctx.random(16));
    await encryptAndDecrypt(ctx, algorithm, alias, publicKey, ctx.random(32));
  },
};

/** @internal */
export const rsaOaepRejectsCorruptedCiphertext: AlgorithmCheck = {
  id: 'rsa-oaep-rejects-corrupted-ciphertext',
  scope: 'rsa',
  description:
    'decrypt of a changed ciphertext rejects with KEYSTORE_ERROR (not garbage plaintext); truncated, extended, empty or non-byte ciphertexts reject with a DeviceBindingError.',
  async run(ctx, algorithm) {
    const alias = ctx.alias('oaep-corrupt');
    const { publicKey } = await generate(ctx, algorithm, alias);
    ensure(publicKey.kty === 'RSA', `an ${algorithm} key must be an RSA key (kty "RSA")`);
    const ciphertext = await rsaOaepEncrypt(
      ctx.subtle,
      OAEP_HASH[algorithm],
      publicKey,
      ctx.random(32),
    );
    const shapeCodes: DeviceBindingErrorCode[] = ['KEYSTORE_ERROR', 'INVALID_ARGUMENT'];
    const cases: [string, unknown, DeviceBindingErrorCode[]][] = [
      [
        'a ciphertext with a middle byte changed',
        flipBit(ciphertext, ciphertext.length >> 1),
        ['KEYSTORE_ERROR'],
      ],
      ['a ciphertext with its last byte changed', flipBit(ciphertext, -1), ['KEYSTORE_ERROR']],
      ['an all-zero ciphertext', new Uint8Array(ciphertext.length), ['KEYSTORE_ERROR']],
      ['a truncated ciphertext', ciphertext.subarray(0, ciphertext.length - 1), shapeCodes],
      ['a ciphertext with a byte appended', Uint8Array.from([...ciphertext, 0]), shapeCodes],
      ['an empty ciphertext', new Uint8Array(0), shapeCodes],
      ['a string', 'ciphertext', shapeCodes],
      ['null', null, shapeCodes],
    ];
    for (const [label, input, codes] of cases) {
      await expectRejection(
        `decrypt() of ${label}`,
        () => ctx.store.decrypt(alias, input as Uint8Array),
        codes,
      );
    }
  },
};

/** @internal */
export const rsaOaepHashStrict: AlgorithmCheck = {
  id: 'rsa-oaep-hash-strict',
  scope: 'rsa',
  description:
    "decrypt uses only the key's own OAEP hash: a ciphertext made with the other OAEP variant rejects with KEYSTORE_ERROR.",
  async run(ctx, algorithm) {
    const alias = ctx.alias('oaep-hash');
    const { publicKey } = await generate(ctx, algorithm, alias);
    ensure(publicKey.kty === 'RSA', `an ${algorithm} key must be an RSA key (kty "RSA")`);
    const own = OAEP_HASH[algorithm];
    const other = Object.values(OAEP_HASH).find((hash) => hash !== own)!;
    const ciphertext = await rsaOaepEncrypt(ctx.subtle, other, publicKey, ctx.random(32));
    await expectRejection(
      `decrypt() of a ciphertext made with OAEP ${other} by an ${algorithm} key`,
      () => ctx.store.decrypt(alias, ciphertext),
      ['KEYSTORE_ERROR'],
    );
  },
};
