// Verifies a rotation token (docs/formats/rotation.md): the current device key hands its
// binding over to a new key pair, and the new key agrees, in the shape of ACME's account-key
// rollover (RFC 8555 §7.3.5). Both signatures are required.

import { assertFunction, assertObject, mustBe } from '../core/assert.js';
import { resolveCryptoBackend } from '../core/crypto-backend.js';
import { DeviceBindingError, type DeviceBindingErrorDetail, refuse } from '../core/errors.js';
import { jwkThumbprint, type PublicJwk, parsePublicJwk } from '../core/jwk.js';
import {
  RESERVED_ROTATION_CLAIMS,
  ROTATION_HANDSHAKE_TYP,
  ROTATION_TYP,
} from '../core/rotation/rotation-format.js';
import { decodeJsonObject, splitCompactJws } from './lib/compact-jws.js';
import { checkExpectedNonce, type ExpectedNonce } from './lib/expected-nonce.js';
import type { HandshakeAttestation } from './lib/handshake-keys.js';
import { parseProtectedHeader } from './lib/protected-header.js';
import { checkReplayCache } from './lib/replay-check.js';
import { timeWindow } from './lib/time-window.js';
import { checkJwsSignature } from './lib/verification-keys.js';
import type { ReplayCache } from './replay-cache.js';
import { verifyTypedHandshake } from './verify-handshake.js';

/**
 * Options for {@link verifyRotation}.
 *
 * @example
 * ```ts
 * const options: VerifyRotationOptions = {
 *   current: device.signingKey,
 *   expectedNonce: (nonce) => challenges.consume(nonce),
 *   replayCache,
 *   isBound: async (deviceId) => (await db.devices.byId(deviceId)) !== null,
 * };
 * ```
 */
export interface VerifyRotationOptions {
  /**
   * The key the device is bound with now: its public signing key as `verifyHandshake`
   * returned it, or its RFC 7638 thumbprint (the device id, the `cnf.jkt` of its tokens).
   * The token's outer signature must be by this key.
   */
  current: PublicJwk | string;
  /** The challenge issued for this rotation, as `verifyHandshake` takes it (single use). */
  expectedNonce: ExpectedNonce;
  /** Where the new keys' handshake ids are remembered, so each token is accepted once. */
  replayCache: ReplayCache;
  /**
   * Whether a device id is already bound (to any device or account). A new key that is
   * refuses the rotation, as ACME answers 409 (RFC 8555 §7.3.5): one key, one binding.
   * Errors it throws refuse the token (fail closed).
   */
  isBound: (deviceId: string) => boolean | Promise<boolean>;
  /** How old the token may be, by its handshake's `iat` (default 300 s). */
  maxAgeSeconds?: number;
  /** How far in the future that `iat` may be, for device clock skew (default 60 s). */
  clockToleranceSeconds?: number;
  /** The current time (default: the system clock): a Date or milliseconds since the epoch. */
  now?: Date | number;
}

/**
 * A verified rotation: the device's new binding.
 *
 * @example
 * ```ts
 * const rotated = await verifyRotation(token, options);
 * await db.devices.replace(rotated.previousDeviceId, rotated);
 * ```
 */
export interface VerifiedRotation {
  /** The new device id: RFC 7638 thumbprint of the new signing key. */
  deviceId: string;
  /** The new public signing key: pass it to `verifyRequest` from now on. */
  signingKey: PublicJwk;
  /** The new public encryption key, with the JWE `alg` it opens: pass it to `sealEnvelope`. */
  encryptionKey: PublicJwk;
  /** Key attestation of the new keys as the device's key store provided it, unverified. */
  attestation?: HandshakeAttestation;
  /** The device id the rotation replaces (the `current` key's). */
  previousDeviceId: string;
  /** The app's own claims in the new keys' handshake. */
  claims: Record<string, unknown>;
  /**
   * The nonce the token answered (checked): new keys are attested over SHA-256 of it, which
   * `handshakeAttestationChallenge(nonce)` gives `verifyDeviceAttestation`.
   */
  nonce: string;
}

const WHAT = 'the rotation token';
// The inner handshake may carry attestation chains (64 KiB), base64url-encoded once more.
const MAX_ROTATION_LENGTH = 90_000;
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

function invalid(message: string, detail: DeviceBindingErrorDetail, cause?: unknown): never {
  return refuse('INVALID_ROTATION', message, detail, cause);
}

async function thumbprintOf(jwk: PublicJwk): Promise<string> {
  return jwkThumbprint(jwk, resolveCryptoBackend(undefined));
}

/** The current key's thumbprint, from a JWK or a thumbprint. @throws `INVALID_ARGUMENT` */
async function currentDeviceId(current: unknown): Promise<string> {
  if (typeof current === 'string') {
    if (!THUMBPRINT.test(current))
      mustBe('options.current', 'a public signing JWK or its RFC 7638 thumbprint');
    return current;
  }
  let jwk: PublicJwk;
  try {
    jwk = parsePublicJwk(current, '"options.current"');
  } catch (err) {
    return mustBe('options.current', 'a public signing JWK or its RFC 7638 thumbprint', err);
  }
  return thumbprintOf(jwk);
}

/** Parses a compact JWS of type `typ` far enough to read its key and payload. */
function parseJws(token: string, typ: string, which: string) {
  const parts = splitCompactJws(token, 'INVALID_ROTATION', which);
  const header = parseProtectedHeader(
    decodeJsonObject(parts.encodedHeader, 'INVALID_ROTATION', `${which} header`),
    typ,
    'INVALID_ROTATION',
    which,
  );
  const payload = decodeJsonObject(parts.encodedPayload, 'INVALID_ROTATION', `${which} payload`);
  return { parts, header, payload };
}

function stringClaim(payload: Record<string, unknown>, name: string, which: string): string {
  const value = payload[name];
  if (typeof value !== 'string' || value.length === 0)
    invalid(`${which} has no "${name}"`, {
      claim: name,
      reason: value === undefined ? 'missing' : 'malformed',
    });
  return value;
}

/**
 * Verifies a rotation token from `rotateKeys` (`devicebind/rotation`) and returns the
 * device's new binding. Both signatures are required (RFC 8555 §7.3.5):
 *
 * - the outer JWS (`typ: devicebind-rotation+jwt`) is signed by the `current` key, and its
 *   `new_device_id` names the new signing key;
 * - the inner JWS in its `handshake` (`typ: devicebind-rotation-handshake+jwt`) is a
 *   handshake of the new keys, verified as `verifyHandshake` verifies one (signature,
 *   `iat` window, `device_id`, the certified encryption key, attestation shape, the nonce),
 *   and its `previous_device_id` names the current key.
 *
 * Refused, each with its own `detail`: an outer key that is not `current` (`jwk`,
 * `mismatch`); a bad outer or inner signature (`signature`, `invalid_signature`); an inner
 * key other than the one the outer names (`new_device_id`, `mismatch`), or than the one it
 * replaces (`previous_device_id`, `mismatch`); a new key equal to the old one
 * (`new_device_id`, `unchanged`); a new key already bound (`new_device_id`,
 * `already_bound`: answer 409); a nonce not accepted (`nonce`, `mismatch`); a token seen
 * before (`jti`, `replayed`). The nonce and the replay cache come last, so a refused token
 * spends neither.
 *
 * After it resolves, move the binding: store the new keys under the new device id for the
 * same account, forget the old key, and issue tokens bound to the new `cnf.jkt`
 * (docs/server-integration.md, "Key rotation").
 *
 * @param token - The rotation token the client sent (`KeyRotation.token`).
 * @param options - The current key, the expected nonce, the replay cache and `isBound`.
 * @returns The new device id and keys, the attestation, the previous device id and the app claims.
 * @throws `INVALID_ROTATION` as above; `UNSUPPORTED_ALGORITHM` (an `alg` or key type outside
 * the registry); `REPLAY_CHECK_FAILED` (the replay cache failed); `INVALID_ARGUMENT` for a
 * token that is not a string or malformed options; `CRYPTO_UNAVAILABLE` without WebCrypto.
 * @example
 * ```ts
 * import { verifyRotation } from 'devicebind/server';
 *
 * // POST /device/rotate: the body is the token; the old key is found by the token's key.
 * const device = await devices.byId(deviceIdOfRotation(body.token));
 * const rotated = await verifyRotation(body.token, {
 *   current: device.signingKey,
 *   expectedNonce: (nonce) => challenges.consume(nonce),
 *   replayCache,
 *   isBound: (id) => devices.exists(id),
 * });
 * await devices.replace(device.deviceId, rotated);
 * ```
 */
export async function verifyRotation(
  token: string,
  options: VerifyRotationOptions,
): Promise<VerifiedRotation> {
  if (typeof token !== 'string') mustBe('token', 'a string (the compact JWS)');
  const { current, expectedNonce, isBound } = assertObject(options);
  const previousDeviceId = await currentDeviceId(current);
  checkExpectedNonce(expectedNonce, 'options.expectedNonce');
  assertFunction(isBound, 'options.isBound');
  // Required whatever the nonce: a rotation moves a binding, so each token counts once.
  const replayCache = checkReplayCache(options.replayCache, 'options.replayCache', {
    allowFalse: false,
    allowUndefined: false,
    mustBe: 'a ReplayCache such as new MemoryReplayCache()',
  });
  const window = timeWindow(options, { maxAge: 300, tolerance: 60 });

  if (token.length > MAX_ROTATION_LENGTH)
    invalid(`${WHAT} is longer than ${MAX_ROTATION_LENGTH} characters`, { reason: 'too_long' });
  const outer = parseJws(token, ROTATION_TYP, WHAT);
  // The old key first: only the key the device is bound with may hand the binding over.
  const oldId = await thumbprintOf(outer.header.jwk);
  if (oldId !== previousDeviceId) {
    invalid(`${WHAT} is not signed by the key the device is bound with`, {
      claim: 'jwk',
      reason: 'mismatch',
      expected: previousDeviceId,
      actual: oldId,
    });
  }
  await checkJwsSignature(outer.parts, outer.header, 'INVALID_ROTATION', WHAT);
  const newDeviceId = stringClaim(outer.payload, 'new_device_id', WHAT);
  const handshake = stringClaim(outer.payload, 'handshake', WHAT);

  // What follows reads the inner token before its own signature is checked: the old key's
  // signature above covers every byte of it, so its content is already the old key's word.
  const inner = parseJws(handshake, ROTATION_HANDSHAKE_TYP, "the rotation token's handshake");
  const newId = await thumbprintOf(inner.header.jwk);
  if (newId !== newDeviceId) {
    invalid(`${WHAT} names another key than the one that signed its handshake`, {
      claim: 'new_device_id',
      reason: 'mismatch',
      expected: newId,
      actual: newDeviceId,
    });
  }
  if (newId === oldId)
    invalid(`${WHAT} hands the binding over to the same key`, {
      claim: 'new_device_id',
      reason: 'unchanged',
    });
  // RFC 8555 §7.3.5: the new key's own statement names the key it replaces, so its
  // handshake cannot be carried into another key's rotation.
  const named = inner.payload.previous_device_id;
  if (named !== oldId) {
    invalid(`${WHAT}'s handshake does not name the key it replaces`, {
      claim: 'previous_device_id',
      reason: named === undefined ? 'missing' : 'mismatch',
    });
  }
  let bound: unknown;
  try {
    bound = await isBound(newId);
  } catch (err) {
    if (err instanceof DeviceBindingError) throw err;
    invalid(
      'the check whether the new key is bound failed, so the rotation is refused',
      { claim: 'new_device_id', reason: 'unavailable' },
      err,
    );
  }
  if (bound !== false) {
    invalid(`${WHAT}'s new key is already bound to a device`, {
      claim: 'new_device_id',
      reason: 'already_bound',
    });
  }

  // The handshake's own checks, its nonce and its replay check last (a refused token spends
  // neither), exactly as at sign-in.
  let verified: Awaited<ReturnType<typeof verifyTypedHandshake>>;
  try {
    verified = await verifyTypedHandshake(ROTATION_HANDSHAKE_TYP, handshake, {
      expectedNonce,
      replayCache: replayCache as ReplayCache,
      maxAgeSeconds: window.maxAge,
      clockToleranceSeconds: window.tolerance,
      now: window.nowSeconds * 1000,
    });
  } catch (err) {
    if (!(err instanceof DeviceBindingError) || err.code !== 'INVALID_HANDSHAKE') throw err;
    throw new DeviceBindingError('INVALID_ROTATION', `${WHAT}'s handshake: ${err.message}`, {
      cause: err,
      ...(err.detail !== undefined && { detail: err.detail }),
    });
  }

  const claims = Object.fromEntries(
    Object.entries(verified.claims).filter(([name]) => !RESERVED_ROTATION_CLAIMS.includes(name)),
  );
  const result: VerifiedRotation = {
    deviceId: newId,
    signingKey: verified.signingKey,
    encryptionKey: verified.encryptionKey,
    previousDeviceId,
    claims,
    nonce: verified.nonce,
  };
  if (verified.attestation !== undefined) result.attestation = verified.attestation;
  return result;
}
