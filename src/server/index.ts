/**
 * Entry point `devicebind/server`: verify handshakes and request proofs, keep replay and
 * nonce state, and seal envelopes for a device. Re-exports only.
 *
 * @module devicebind/server
 */

export {
  DeviceBindingError,
  type DeviceBindingErrorCode,
  type DeviceBindingErrorDetail,
  isDeviceBindingError,
  type VerificationFailureReason,
} from '../core/errors.js';
export type { EcPublicJwk, OkpPublicJwk, PublicJwk, RsaPublicJwk } from '../core/jwk.js';
export {
  type AnswerVerificationErrorOptions,
  answerVerificationError,
  type VerificationErrorAnswer,
} from './answer-verification-error.js';
export type { ExpectedNonce, NonceCheckFunction, NonceVerifier } from './lib/expected-nonce.js';
export type { HandshakeAttestation } from './lib/handshake-keys.js';
export type { RequestHeaders } from './lib/http-headers.js';
export {
  type NonceChallengeHeaders,
  type NonceChallengeOptions,
  nonceChallengeHeaders,
} from './nonce-challenge.js';
export { createNonceIssuer, type NonceIssuer, type NonceIssuerOptions } from './nonce-issuer.js';
export {
  createRedisReplayCache,
  type RedisCommand,
  type RedisReplayCacheOptions,
} from './redis-replay-cache.js';
export {
  MemoryReplayCache,
  type MemoryReplayCacheOptions,
  type ReplayCache,
} from './replay-cache.js';
export { type SealEnvelopeOptions, sealEnvelope } from './seal-envelope.js';
export { type SealEnvelopeStreamOptions, sealEnvelopeStream } from './seal-envelope-stream.js';
export {
  type VerifiedHandshake,
  type VerifyHandshakeOptions,
  verifyHandshake,
} from './verify-handshake.js';
export {
  type BodyBinding,
  type ProofClaims,
  type RequestToVerify,
  type VerifiedRequest,
  type VerifyRequestCommonOptions,
  type VerifyRequestOptions,
  verifyRequest,
} from './verify-request.js';
export {
  type VerifiedRotation,
  type VerifyRotationOptions,
  verifyRotation,
} from './verify-rotation.js';
