// Shared steps of many checks: the spec for an algorithm, generating a key and validating
// what comes back, using a key and checking the result independently, and comparing keys.

import {
  type EncryptionAlgorithm,
  KEY_MANAGEMENT_ALGORITHMS,
  SIGNING_ALGORITHMS,
  type SigningAlgorithm,
} from '../../core/algorithms.js';
import { equalBytes } from '../../core/bytes.js';
import { type PublicJwk, parsePublicJwk, thumbprintInput } from '../../core/jwk.js';
import type { KeyAlgorithm, KeyInfo, KeySpec, KeyStore } from '../../keystores/contract.js';
import type { CheckContext } from './context.js';
import { attempt, ConformanceFailure, describeThrown, ensure } from './expectations.js';
import {
  createEcdhPeer,
  isUint8Array,
  looksLikeDer,
  OAEP_HASH,
  rsaOaepEncrypt,
  signatureVerifier,
} from './independent-crypto.js';

/** @internal What a store does with a key of an algorithm. */
export type KeyOperation = 'sign' | 'agree' | 'decrypt';

/** @internal Whether `algorithm` is a signing algorithm (from the registry). */
export function isSigningAlgorithm(algorithm: KeyAlgorithm): algorithm is SigningAlgorithm {
  return Object.hasOwn(SIGNING_ALGORITHMS, algorithm);
}

/** @internal The one operation a key of `algorithm` is for. */
export function keyOperationOf(algorithm: KeyAlgorithm): KeyOperation {
  if (isSigningAlgorithm(algorithm)) return 'sign';
  return KEY_MANAGEMENT_ALGORITHMS[algorithm as EncryptionAlgorithm].keyOperation;
}

/** @internal The minimal spec for a key of `algorithm`. */
export function specFor(algorithm: KeyAlgorithm): KeySpec {
  return { purpose: isSigningAlgorithm(algorithm) ? 'sign' : 'encrypt', algorithm };
}

/** @internal Parses a public key the store returned; a malformed one fails the check. */
export function publicKeyOf(info: KeyInfo, what: string): PublicJwk {
  try {
    return parsePublicJwk(info.publicKey, `${what}.publicKey`);
  } catch (err) {
    throw new ConformanceFailure(
      `${what}.publicKey is not a well-formed public JWK (${describeThrown(err)})`,
      err,
    );
  }
}

/** @internal Whether two public keys are the same key (RFC 7638 members compared). */
export function samePublicKey(a: PublicJwk, b: PublicJwk): boolean {
  return a.kty === b.kty && thumbprintInput(a) === thumbprintInput(b);
}

/** @internal Validates that a store answer is a KeyInfo object for `alias`. */
export function checkKeyInfoShape(info: unknown, alias: string, what: string): KeyInfo {
  ensure(typeof info === 'object' && info !== null, `${what} did not return a KeyInfo object`);
  const keyInfo = info as KeyInfo;
  ensure(
    keyInfo.alias === alias,
    `${what} returned KeyInfo.alias ${JSON.stringify(keyInfo.alias)}; expected the alias it was given`,
  );
  return keyInfo;
}

/** @internal Generates a key of `algorithm` under `alias` and checks the answer's shape. */
export async function generate(
  ctx: CheckContext,
  algorithm: KeyAlgorithm,
  alias: string,
  store: KeyStore = ctx.store,
): Promise<{ info: KeyInfo; publicKey: PublicJwk }> {
  const what = `generateKey(${algorithm})`;
  const info = checkKeyInfoShape(
    await attempt(what, () => store.generateKey(alias, specFor(algorithm))),
    alias,
    what,
  );
  return { info, publicKey: publicKeyOf(info, what) };
}

/** @internal Signs `data` and checks the signature is 64 bytes and verifies under `publicKey`. */
export async function signAndVerify(
  ctx: CheckContext,
  algorithm: SigningAlgorithm,
  alias: string,
  publicKey: PublicJwk,
  data: Uint8Array,
  store: KeyStore = ctx.store,
): Promise<Uint8Array> {
  const signature = await attempt(`sign() over ${data.length} bytes`, () =>
    store.sign(alias, data),
  );
  checkSignatureForm(algorithm, signature);
  const verify = await signatureVerifier(ctx.subtle, algorithm, publicKey);
  ensure(
    await verify(signature, data),
    `the ${algorithm} signature over ${data.length} bytes does not verify with the key's public JWK`,
  );
  return signature;
}

/** @internal A JOSE signature is exactly 64 bytes: r ‖ s for ES256 (RFC 7518 §3.4), R ‖ S for EdDSA. */
export function checkSignatureForm(
  algorithm: SigningAlgorithm,
  signature: unknown,
): asserts signature is Uint8Array {
  ensure(
    isUint8Array(signature),
    `sign() resolved to ${typeof signature}; it must be a Uint8Array`,
  );
  const expected = SIGNING_ALGORITHMS[algorithm].signatureLength;
  if (signature.length !== expected) {
    const hint = looksLikeDer(signature)
      ? ' and looks like an ASN.1 DER ECDSA signature; convert it to r ‖ s (RFC 7518 §3.4)'
      : '';
    throw new ConformanceFailure(
      `sign() returned ${signature.length} bytes${hint}; a JOSE ${algorithm} signature is exactly ${expected} bytes`,
    );
  }
}

/** @internal Runs ECDH with a fresh peer and checks Z against the peer's own computation. */
export async function agreeAndCompare(
  ctx: CheckContext,
  alias: string,
  publicKey: PublicJwk,
  store: KeyStore = ctx.store,
): Promise<void> {
  ensure(publicKey.kty === 'EC', 'an ECDH-ES key must be a P-256 key (kty "EC")');
  const peer = await createEcdhPeer(ctx.subtle);
  const secret = await attempt('deriveSharedSecret()', () =>
    store.deriveSharedSecret(alias, peer.publicKey),
  );
  ensure(isUint8Array(secret), 'deriveSharedSecret() must resolve to a Uint8Array');
  ensure(
    secret.length === 32,
    `deriveSharedSecret() returned ${secret.length} bytes; Z on P-256 is 32 bytes`,
  );
  const expected = await peer.deriveWith(publicKey);
  ensure(
    equalBytes(secret, expected),
    "the shared secret differs from the peer's own ECDH computation against the key's public JWK",
  );
}

/** @internal Encrypts a key-sized secret to the public key with WebCrypto and checks the store decrypts it. */
export async function encryptAndDecrypt(
  ctx: CheckContext,
  algorithm: 'RSA-OAEP-256' | 'RSA-OAEP',
  alias: string,
  publicKey: PublicJwk,
  plaintext: Uint8Array,
  store: KeyStore = ctx.store,
): Promise<void> {
  ensure(publicKey.kty === 'RSA', `an ${algorithm} key must be an RSA key (kty "RSA")`);
  const ciphertext = await rsaOaepEncrypt(ctx.subtle, OAEP_HASH[algorithm], publicKey, plaintext);
  const opened = await attempt(`decrypt() of ${algorithm} ciphertext`, () =>
    store.decrypt(alias, ciphertext),
  );
  ensure(isUint8Array(opened), 'decrypt() must resolve to a Uint8Array');
  ensure(
    equalBytes(opened, plaintext),
    `decrypt() returned other bytes than were encrypted to the public key with ${algorithm}`,
  );
}

/** @internal Uses the key for what it is for and checks the result independently. */
export async function exerciseKey(
  ctx: CheckContext,
  algorithm: KeyAlgorithm,
  alias: string,
  publicKey: PublicJwk,
  store: KeyStore = ctx.store,
): Promise<void> {
  const operation = keyOperationOf(algorithm);
  if (isSigningAlgorithm(algorithm)) {
    await signAndVerify(ctx, algorithm, alias, publicKey, ctx.random(48), store);
  } else if (operation === 'agree') {
    await agreeAndCompare(ctx, alias, publicKey, store);
  } else {
    const rsa = algorithm as 'RSA-OAEP-256' | 'RSA-OAEP';
    await encryptAndDecrypt(ctx, rsa, alias, publicKey, ctx.random(32), store);
  }
}

/**
 * @internal A call of the operation a key of `algorithm` is for, with well-formed input,
 * for checks that expect it to be refused (unknown alias, deleted key, wrong purpose).
 */
export async function operationCall(
  ctx: CheckContext,
  operation: KeyOperation,
  alias: string,
  store: KeyStore = ctx.store,
): Promise<{ what: string; call: () => Promise<unknown> }> {
  if (operation === 'sign') {
    const data = ctx.random(32);
    return { what: 'sign()', call: () => store.sign(alias, data) };
  }
  if (operation === 'agree') {
    const peer = await createEcdhPeer(ctx.subtle);
    return {
      what: 'deriveSharedSecret()',
      call: () => store.deriveSharedSecret(alias, peer.publicKey),
    };
  }
  const ciphertext = ctx.random(256);
  return { what: 'decrypt()', call: () => store.decrypt(alias, ciphertext) };
}
