// Verifies a device's handshake (docs/formats/handshake-and-proof.md): proof of possession
// of the signing key, and the encryption key it certifies. The signature is checked exactly
// as a request proof's is, so both accept the same algorithms and names.

import { assertObject, mustBe } from '../core/assert.js';
import { DeviceBindingError, type DeviceBindingErrorDetail, refuse } from '../core/errors.js';
import { RESERVED_HANDSHAKE_CLAIMS } from '../core/handshake.js';
import { minimalPublicJwk, type PublicJwk } from '../core/jwk.js';
import { decodeJsonObject, splitCompactJws } from './lib/compact-jws.js';
import {
  checkExpectedNonce,
  type ExpectedNonce,
  isNonceAccepted,
  isNonceIssuer,
} from './lib/expected-nonce.js';
import {
  type HandshakeAttestation,
  parseAttestation,
  parseEncryptionKey,
} from './lib/handshake-keys.js';
import { parseProtectedHeader } from './lib/protected-header.js';
import { checkReplayCache, rememberOnce } from './lib/replay-check.js';
import { checkIssuedAt, type TimeWindow, timeWindow } from './lib/time-window.js';
import { checkJwsSignature } from './lib/verification-keys.js';
import type { ReplayCache } from './replay-cache.js';

/**
 * Options for {@link verifyHandshake}.
 *
 * @example
 * ```ts
 * // Stateless, single-use sign-in challenges across instances: an issuer and a shared cache.
 * const options: VerifyHandshakeOptions = { expectedNonce: nonces, replayCache, maxAgeSeconds: 120 };
 * ```
 */
export interface VerifyHandshakeOptions {
  /**
   * The challenge this server gave the client for this sign-in: the exact string, a
   * function that decides (e.g. looks it up and deletes it, so each nonce works once), or a
   * nonce issuer. Required: without it a recorded handshake could be replayed.
   */
  expectedNonce: ExpectedNonce;
  /**
   * Where handshake ids (`jti`) are remembered, so each handshake is accepted once.
   * Required when `expectedNonce` is a nonce issuer: its nonces stay valid for a whole
   * window, so without a cache one recorded handshake could be sent again and again.
   * Optional (or `false`) with a single-use challenge, which refuses a second use itself.
   */
  replayCache?: ReplayCache | false;
  /** How old the handshake may be, by its `iat` (default 300 s). */
  maxAgeSeconds?: number;
  /** How far in the future its `iat` may be, for device clock skew (default 60 s). */
  clockToleranceSeconds?: number;
  /** The current time (default: the system clock): a Date or milliseconds since the epoch. */
  now?: Date | number;
}

/**
 * A verified handshake: what to store for the device.
 *
 * @example
 * ```ts
 * const { deviceId, signingKey, encryptionKey } = await verifyHandshake(token, { expectedNonce });
 * await db.devices.insert({ userId, deviceId, signingKey, encryptionKey });
 * ```
 */
export interface VerifiedHandshake {
  /** The device id: RFC 7638 thumbprint of the signing key. */
  deviceId: string;
  /**
   * The public signing key, with `use: "sig"` and its `alg`: keep it and pass it to
   * `verifyRequest` as `signingKey`.
   */
  signingKey: PublicJwk;
  /** The public encryption key, with the JWE `alg` it opens: pass it to `sealEnvelope`. */
  encryptionKey: PublicJwk;
  /** The account the device asks to be bound to (`sub`), if given. Authenticate it yourself. */
  subject: string | undefined;
  /** The app's own claims: the payload without the names the handshake reserves. */
  claims: Record<string, unknown>;
  /** The nonce the handshake answered (checked): key attestation made with it is fresh. */
  nonce: string;
  /**
   * Key attestation as the device's key store provided it, unverified: check it with
   * `verifyDeviceAttestation` from `devicebind/server/attestation`.
   */
  attestation?: HandshakeAttestation;
}

const HANDSHAKE_TYP = 'devicebind-handshake+jwt';
/** Handshakes may carry attestation certificate chains, so they get more room than proofs. */
const MAX_HANDSHAKE_LENGTH = 65_536;
const MAX_JTI_LENGTH = 256;
const WHAT = 'the handshake';

function invalid(message: string, detail: DeviceBindingErrorDetail): never {
  return refuse('INVALID_HANDSHAKE', message, detail);
}

function checkNumericDate(
  payload: Record<string, unknown>,
  name: 'exp' | 'nbf',
  window: TimeWindow,
): void {
  const value = payload[name];
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value))
    invalid(`the handshake "${name}" must be a number`, { claim: name, reason: 'malformed' });
  const { nowSeconds, tolerance } = window;
  if (name === 'exp' && nowSeconds - tolerance >= value)
    invalid('the handshake has expired ("exp")', {
      claim: 'exp',
      reason: 'expired',
      actual: String(value),
    });
  if (name === 'nbf' && nowSeconds + tolerance < value)
    invalid('the handshake is not valid yet ("nbf")', {
      claim: 'nbf',
      reason: 'not_yet_valid',
      actual: String(value),
    });
}

/**
 * Runs a check from the key parsers, giving what it throws without `detail` the detail of
 * `claim` (those parsers serve other callers too, and speak in messages only).
 */
async function withDetail<T>(claim: string, check: () => T | Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (err) {
    if (!(err instanceof DeviceBindingError) || err.detail !== undefined) throw err;
    throw new DeviceBindingError(err.code, err.message, {
      cause: err,
      detail: { claim, reason: err.code === 'UNSUPPORTED_ALGORITHM' ? 'unsupported' : 'malformed' },
    });
  }
}

interface CheckedOptions {
  expectedNonce: ExpectedNonce;
  replayCache: ReplayCache | false | undefined;
  window: TimeWindow;
}

function checkOptions(given: VerifyHandshakeOptions): CheckedOptions {
  const options = assertObject(given, 'options');
  // A renamed option left in place must not read as "no nonce configured".
  if ((options as { nonce?: unknown }).nonce !== undefined)
    mustBe('options.nonce', 'left out: the expected nonce is now "options.expectedNonce"');
  const { expectedNonce } = options;
  checkExpectedNonce(expectedNonce, 'options.expectedNonce');
  // #11: an issuer's nonce is valid for a whole window, so only the `jti` check makes a
  // handshake verified with it single-use.
  const issuer = isNonceIssuer(expectedNonce);
  const replayCache = checkReplayCache(options.replayCache, 'options.replayCache', {
    allowFalse: !issuer,
    allowUndefined: !issuer,
    mustBe: issuer
      ? 'a ReplayCache such as new MemoryReplayCache() when "options.expectedNonce" is a nonce issuer (its nonces stay valid for a whole window)'
      : 'a ReplayCache such as new MemoryReplayCache(), false, or left out',
  });
  return {
    expectedNonce,
    replayCache,
    window: timeWindow(options, { maxAge: 300, tolerance: 60 }),
  };
}

/**
 * Verifies a handshake token from `DeviceBinding.createHandshake`: `typ`; an allowlisted
 * `alg` matching the embedded public `jwk` (never a key referenced by `kid`, `jku` or
 * `x5u`; `EdDSA` and `Ed25519` name the same algorithm, as in request proofs); the
 * signature; the `nonce`; `iat` within `maxAgeSeconds` in the past and
 * `clockToleranceSeconds` in the future (and `exp`/`nbf` if present); `device_id` equal to
 * the key's RFC 7638 thumbprint; `encryption_key` a valid public P-256 or RSA key, marked
 * for encryption, that is not the signing key; and, with a `replayCache`, that its `jti`
 * was not seen before.
 *
 * Verifying a handshake proves the device holds the key; it does not authenticate the
 * user. Accept it only on an authenticated sign-in, then store `signingKey` and
 * `encryptionKey` under `deviceId` for that account.
 *
 * Error codes by case: malformed token, wrong `typ`, `alg: "none"`, a private or missing
 * `jwk`, a bad signature, an unaccepted nonce, a `jti` seen before and every claim check →
 * `INVALID_HANDSHAKE` (the message says which; `detail` names the claim and the reason);
 * an `alg` or key type outside the registry → `UNSUPPORTED_ALGORITHM`; a replay cache that
 * fails → `REPLAY_CHECK_FAILED`. The app's claims never carry a member named `__proto__`:
 * a handshake with one anywhere is refused.
 *
 * @param token - The compact JWS the client sent.
 * @param options - The expected nonce, the replay cache and the time window.
 * @returns The device id, its public keys, the subject and the app claims.
 * @throws `INVALID_HANDSHAKE`, `UNSUPPORTED_ALGORITHM`, `REPLAY_CHECK_FAILED` as above;
 * `INVALID_ARGUMENT` when `token` is not a string or the options are malformed (including a
 * nonce issuer without a `replayCache`); `CRYPTO_UNAVAILABLE` without WebCrypto.
 * @example
 * ```ts
 * import { createNonceIssuer, MemoryReplayCache, verifyHandshake } from 'devicebind/server';
 *
 * const challenges = createNonceIssuer({ secret: challengeSecret }); // GET /auth/challenge → challenges.issue()
 * const replayCache = new MemoryReplayCache(); // shared by every instance in production (Redis)
 *
 * // POST /auth/device, after the user authenticated:
 * const device = await verifyHandshake(body.handshake, { expectedNonce: challenges, replayCache });
 * await devices.save(session.userId, device.deviceId, device.signingKey, device.encryptionKey);
 * ```
 */
export function verifyHandshake(
  token: string,
  options: VerifyHandshakeOptions,
): Promise<VerifiedHandshake> {
  return verifyTypedHandshake(HANDSHAKE_TYP, token, options);
}

/**
 * @internal {@link verifyHandshake} for a handshake of another explicit type (RFC 8725 §3.11):
 * the handshake of new keys inside a rotation token (verify-rotation.ts) is the same JWS
 * under its own `typ`, so neither is ever accepted as the other.
 */
export async function verifyTypedHandshake(
  typ: string,
  token: string,
  options: VerifyHandshakeOptions,
): Promise<VerifiedHandshake> {
  // Only the type is the caller's business: an empty or malformed token is the client's.
  if (typeof token !== 'string') mustBe('token', 'a string (the compact JWS)');
  const { expectedNonce, replayCache, window } = checkOptions(options);
  if (token.length > MAX_HANDSHAKE_LENGTH)
    invalid(`the handshake is longer than ${MAX_HANDSHAKE_LENGTH} characters`, {
      reason: 'too_long',
    });
  const parts = splitCompactJws(token, 'INVALID_HANDSHAKE', WHAT);
  const header = parseProtectedHeader(
    decodeJsonObject(parts.encodedHeader, 'INVALID_HANDSHAKE', 'the handshake header'),
    typ,
    'INVALID_HANDSHAKE',
    WHAT,
  );
  const payload = decodeJsonObject(
    parts.encodedPayload,
    'INVALID_HANDSHAKE',
    'the handshake payload',
  );
  await checkJwsSignature(parts, header, 'INVALID_HANDSHAKE', WHAT);
  const { nonce, jti, device_id: deviceIdClaim, sub: subject } = payload;
  if (typeof nonce !== 'string' || nonce.length === 0)
    invalid('the handshake has no "nonce"', {
      claim: 'nonce',
      reason: nonce === undefined ? 'missing' : 'malformed',
    });
  const iat = checkIssuedAt(payload.iat, window, 'INVALID_HANDSHAKE', WHAT);
  checkNumericDate(payload, 'exp', window);
  checkNumericDate(payload, 'nbf', window);
  if (typeof jti !== 'string' || jti.length === 0)
    invalid('the handshake has no "jti"', {
      claim: 'jti',
      reason: jti === undefined ? 'missing' : 'malformed',
    });
  if (jti.length > MAX_JTI_LENGTH)
    invalid(`the handshake "jti" is longer than ${MAX_JTI_LENGTH} characters`, {
      claim: 'jti',
      reason: 'too_long',
    });
  if (subject !== undefined && (typeof subject !== 'string' || subject.length === 0))
    invalid('the handshake "sub" must be a non-empty string', {
      claim: 'sub',
      reason: 'malformed',
    });
  const deviceId = header.thumbprint;
  if (deviceIdClaim !== deviceId) {
    invalid('the handshake "device_id" is not the RFC 7638 thumbprint of its signing key', {
      claim: 'device_id',
      reason: deviceIdClaim === undefined ? 'missing' : 'mismatch',
    });
  }
  const encryptionKey = await withDetail('encryption_key', () =>
    parseEncryptionKey(payload.encryption_key, header.jwk),
  );
  const attestation = await withDetail('attestation', () => parseAttestation(payload.attestation));
  // The nonce and the replay check last: a single-use check (one that deletes the
  // challenge) is spent only by a handshake that passed everything else.
  if (!(await isNonceAccepted(expectedNonce, nonce, 'INVALID_HANDSHAKE'))) {
    invalid('the handshake "nonce" is not the expected challenge (or was already used)', {
      claim: 'nonce',
      reason: 'mismatch',
    });
  }
  // Scoped to the device, so a per-key quota in the cache counts handshakes per device.
  await rememberOnce(replayCache, `${deviceId}:hs:${jti}`, iat, window, {
    code: 'INVALID_HANDSHAKE',
    what: 'this handshake',
    retry: 'create a new handshake for every sign-in',
  });
  // Built from entries (own data properties), never by assignment: see decodeJsonObject for
  // the `__proto__` member, refused before this point.
  const claims: Record<string, unknown> = Object.fromEntries(
    Object.entries(payload).filter(([name]) => !RESERVED_HANDSHAKE_CLAIMS.includes(name)),
  );
  const result: VerifiedHandshake = {
    deviceId,
    // `use` and `alg` kept, so a signing key passed to sealEnvelope is recognised and refused.
    signingKey: {
      ...minimalPublicJwk(header.jwk),
      use: 'sig',
      alg: header.algorithm.alg,
    } as PublicJwk,
    encryptionKey,
    subject: subject as string | undefined,
    claims,
    nonce,
  };
  if (attestation !== undefined) result.attestation = attestation;
  return result;
}
