// Verifies a device's handshake (docs/formats/handshake-and-proof.md): proof of possession
// of the signing key, and the encryption key it certifies. Handshakes are rare; jose checks
// the signature.

import { compactVerify, importJWK } from 'jose';
import { resolveCryptoBackend } from '../core/crypto-backend.js';
import { fail } from '../core/errors.js';
import { RESERVED_HANDSHAKE_CLAIMS } from '../core/handshake.js';
import { jwkThumbprint, minimalPublicJwk, type PublicJwk } from '../core/jwk.js';
import { decodeJsonObject, splitCompactJws } from './lib/compact-jws.js';
import { checkExpectedNonce, type ExpectedNonce, isNonceAccepted } from './lib/expected-nonce.js';
import {
  type HandshakeAttestation,
  parseAttestation,
  parseEncryptionKey,
} from './lib/handshake-keys.js';
import { parseProtectedHeader } from './lib/protected-header.js';
import { checkIssuedAt, currentSeconds, secondsOption } from './lib/time-window.js';

/**
 * Options for {@link verifyHandshake}.
 *
 * @example
 * ```ts
 * const options: VerifyHandshakeOptions = { nonce: (n) => challenges.delete(n), maxAgeSeconds: 120 };
 * ```
 */
export interface VerifyHandshakeOptions {
  /**
   * The challenge this server gave the client for this sign-in: the exact string, a
   * function that decides (e.g. looks it up and deletes it, so each nonce works once), or a
   * nonce issuer. Required: without it a recorded handshake could be replayed.
   */
  nonce: ExpectedNonce;
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
 * const { deviceId, signingKey, encryptionKey } = await verifyHandshake(token, { nonce });
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
  /** Key attestation as the device's key store provided it, unverified: check it yourself. */
  attestation?: HandshakeAttestation;
}

const HANDSHAKE_TYP = 'devicebind-handshake+jwt';
/** Handshakes may carry attestation certificate chains, so they get more room than proofs. */
const MAX_HANDSHAKE_LENGTH = 65_536;
const WHAT = 'the handshake';

async function verifySignature(token: string, jwk: PublicJwk, alg: string): Promise<void> {
  try {
    const key = await importJWK({ ...minimalPublicJwk(jwk) }, alg);
    await compactVerify(token, key, { algorithms: [alg] });
  } catch (err) {
    return fail('INVALID_HANDSHAKE', 'the handshake signature is invalid', err);
  }
}

function checkNumericDate(
  payload: Record<string, unknown>,
  name: 'exp' | 'nbf',
  nowSeconds: number,
  tolerance: number,
): void {
  const value = payload[name];
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value))
    fail('INVALID_HANDSHAKE', `the handshake "${name}" must be a number`);
  if (name === 'exp' && nowSeconds - tolerance >= value)
    fail('INVALID_HANDSHAKE', 'the handshake has expired ("exp")');
  if (name === 'nbf' && nowSeconds + tolerance < value)
    fail('INVALID_HANDSHAKE', 'the handshake is not valid yet ("nbf")');
}

/**
 * Verifies a handshake token from `DeviceBinding.createHandshake`: `typ`; an allowlisted
 * `alg` matching the embedded public `jwk` (never a key referenced by `kid`, `jku` or
 * `x5u`); the signature; the `nonce`; `iat` within `maxAgeSeconds` in the past and
 * `clockToleranceSeconds` in the future (and `exp`/`nbf` if present); `device_id` equal to
 * the key's RFC 7638 thumbprint; and `encryption_key` a valid public P-256 or RSA key,
 * marked for encryption, that is not the signing key.
 *
 * Verifying a handshake proves the device holds the key; it does not authenticate the
 * user. Accept it only on an authenticated sign-in, then store `signingKey` and
 * `encryptionKey` under `deviceId` for that account.
 *
 * Error codes by case: malformed token, wrong `typ`, `alg: "none"`, a private or missing
 * `jwk`, a bad signature, an unaccepted nonce and every claim check → `INVALID_HANDSHAKE`
 * (the message says which); an `alg` or key type outside the registry →
 * `UNSUPPORTED_ALGORITHM`.
 *
 * @param token - The compact JWS the client sent.
 * @param options - The expected nonce and the time window.
 * @returns The device id, its public keys, the subject and the app claims.
 * @throws `INVALID_HANDSHAKE`, `UNSUPPORTED_ALGORITHM` as above; `INVALID_ARGUMENT` when
 * `token` is not a string or the options are malformed; `CRYPTO_UNAVAILABLE` without WebCrypto.
 * @example
 * ```ts
 * import { verifyHandshake } from 'devicebind/server';
 *
 * // POST /auth/device, after the user authenticated; `challenge` was issued for this session.
 * const device = await verifyHandshake(body.handshake, {
 *   nonce: (nonce) => challenges.consume(session.id, nonce), // true once, then false
 * });
 * await devices.save(session.userId, device.deviceId, device.signingKey, device.encryptionKey);
 * ```
 */
export async function verifyHandshake(
  token: string,
  options: VerifyHandshakeOptions,
): Promise<VerifiedHandshake> {
  if (typeof token !== 'string')
    fail('INVALID_ARGUMENT', '"token" must be a string (the compact JWS)');
  if (typeof options !== 'object' || options === null)
    fail('INVALID_ARGUMENT', '"options" must be an object');
  checkExpectedNonce(options.nonce, '"options.nonce"');
  const maxAge = secondsOption(options.maxAgeSeconds, 300, 1, 86_400, '"options.maxAgeSeconds"');
  const tolerance = secondsOption(
    options.clockToleranceSeconds,
    60,
    0,
    3600,
    '"options.clockToleranceSeconds"',
  );
  const nowSeconds = currentSeconds(options.now, '"options.now"');

  if (token.length > MAX_HANDSHAKE_LENGTH)
    fail('INVALID_HANDSHAKE', `the handshake is longer than ${MAX_HANDSHAKE_LENGTH} characters`);
  const parts = splitCompactJws(token, 'INVALID_HANDSHAKE', WHAT);
  const header = parseProtectedHeader(
    decodeJsonObject(parts.encodedHeader, 'INVALID_HANDSHAKE', 'the handshake header'),
    HANDSHAKE_TYP,
    'INVALID_HANDSHAKE',
    WHAT,
  );
  // Parse the payload strictly before jose sees the token, so malformed input gets a
  // precise message; jose then checks the signature over exactly these bytes.
  const payload = decodeJsonObject(
    parts.encodedPayload,
    'INVALID_HANDSHAKE',
    'the handshake payload',
  );
  await verifySignature(token, header.jwk, header.algorithm.alg);

  const { nonce, jti, device_id: deviceIdClaim } = payload;
  const subject = payload.sub;
  if (typeof nonce !== 'string' || nonce.length === 0)
    fail('INVALID_HANDSHAKE', 'the handshake has no "nonce"');
  checkIssuedAt(payload.iat, nowSeconds, maxAge, tolerance, 'INVALID_HANDSHAKE', WHAT);
  checkNumericDate(payload, 'exp', nowSeconds, tolerance);
  checkNumericDate(payload, 'nbf', nowSeconds, tolerance);
  if (typeof jti !== 'string' || jti.length === 0)
    fail('INVALID_HANDSHAKE', 'the handshake has no "jti"');
  if (subject !== undefined && (typeof subject !== 'string' || subject.length === 0)) {
    fail('INVALID_HANDSHAKE', 'the handshake "sub" must be a non-empty string');
  }

  const deviceId = await jwkThumbprint(header.jwk, resolveCryptoBackend(undefined));
  if (deviceIdClaim !== deviceId) {
    fail(
      'INVALID_HANDSHAKE',
      'the handshake "device_id" is not the RFC 7638 thumbprint of its signing key',
    );
  }
  const encryptionKey = await parseEncryptionKey(payload.encryption_key, header.jwk);
  const attestation = parseAttestation(payload.attestation);
  // The nonce last: a single-use check (one that deletes the challenge) is spent only by a
  // handshake that passed everything else.
  if (!(await isNonceAccepted(options.nonce, nonce, 'INVALID_HANDSHAKE'))) {
    fail(
      'INVALID_HANDSHAKE',
      'the handshake "nonce" is not the expected challenge (or was already used)',
    );
  }

  const claims: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (!RESERVED_HANDSHAKE_CLAIMS.includes(name)) claims[name] = value;
  }
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
  };
  if (attestation !== undefined) result.attestation = attestation;
  return result;
}
