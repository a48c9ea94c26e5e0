// Page-side access to the Node server module: typed wrappers over the browser-mode commands
// registered in vitest.config.ts (test/setup/server-commands.ts runs them in Node).

import { commands } from 'vitest/browser';
import type {
  RequestForServer,
  ServerOutcome,
  VerifyRequestOptionsForServer,
} from '../../setup/server-commands.js';

/** What `verifyHandshake` returns, as JSON. */
export interface VerifiedHandshake {
  deviceId: string;
  signingKey: Record<string, unknown>;
  encryptionKey: Record<string, unknown>;
  subject?: string;
  claims: Record<string, unknown>;
}

/** What `verifyRotation` returns, as JSON. */
export interface VerifiedRotation {
  deviceId: string;
  previousDeviceId: string;
  signingKey: Record<string, unknown>;
  encryptionKey: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** What `verifyRequest` returns, as JSON. */
export interface VerifiedRequest {
  deviceId: string;
  claims: Record<string, unknown>;
}

declare module 'vitest/browser' {
  interface BrowserCommands {
    verifyHandshakeOnServer(
      token: string,
      nonce: string,
    ): Promise<ServerOutcome<VerifiedHandshake>>;
    verifyRequestOnServer(
      request: RequestForServer,
      options: VerifyRequestOptionsForServer,
    ): Promise<ServerOutcome<VerifiedRequest>>;
    sealEnvelopeOnServer(
      plaintext: string,
      encryptionKey: unknown,
      aad?: string,
    ): Promise<ServerOutcome<string>>;
    sealPatternEnvelopeOnServer(
      length: number,
      encryptionKey: unknown,
    ): Promise<ServerOutcome<string>>;
    sealEnvelopeStreamOnServer(
      length: number,
      encryptionKey: unknown,
    ): Promise<ServerOutcome<string>>;
    verifyRotationOnServer(
      token: string,
      current: unknown,
      nonce: string,
    ): Promise<ServerOutcome<VerifiedRotation>>;
  }
}

export type { RequestForServer, ServerOutcome, VerifyRequestOptionsForServer };

/** `verifyHandshake(token, { expectedNonce: nonce })` run in Node. */
export function verifyHandshakeOnServer(
  token: string,
  nonce: string,
): Promise<ServerOutcome<VerifiedHandshake>> {
  return commands.verifyHandshakeOnServer(token, nonce);
}

/** `verifyRequest(request, options)` run in Node; `replayCacheName` shares a replay cache. */
export function verifyRequestOnServer(
  request: RequestForServer,
  options: VerifyRequestOptionsForServer,
): Promise<ServerOutcome<VerifiedRequest>> {
  return commands.verifyRequestOnServer(request, options);
}

/** `sealEnvelope(utf8(plaintext), encryptionKey, { aad })` run in Node: the envelope text. */
export function sealEnvelopeOnServer(
  plaintext: string,
  encryptionKey: unknown,
  aad?: string,
): Promise<ServerOutcome<string>> {
  return commands.sealEnvelopeOnServer(plaintext, encryptionKey, aad);
}

/**
 * `sealEnvelope` run in Node over `length` pattern bytes (see ../shared/pattern-bytes.ts): the
 * compact envelope text.
 */
export function sealPatternEnvelopeOnServer(
  length: number,
  encryptionKey: unknown,
): Promise<ServerOutcome<string>> {
  return commands.sealPatternEnvelopeOnServer(length, encryptionKey);
}

/**
 * `sealEnvelopeStream` run in Node over `length` pattern bytes (see ../shared/pattern-bytes.ts): the
 * sealed stream, base64.
 */
export function sealEnvelopeStreamOnServer(
  length: number,
  encryptionKey: unknown,
): Promise<ServerOutcome<string>> {
  return commands.sealEnvelopeStreamOnServer(length, encryptionKey);
}

/** `verifyRotation(token, { current, expectedNonce: nonce, … })` run in Node, nothing bound yet. */
export function verifyRotationOnServer(
  token: string,
  current: unknown,
  nonce: string,
): Promise<ServerOutcome<VerifiedRotation>> {
  return commands.verifyRotationOnServer(token, current, nonce);
}

/** Unwraps a successful outcome; fails the test with the server's code otherwise. */
export function expectOk<T>(outcome: ServerOutcome<T>): T {
  if (!outcome.ok) throw new Error(`the server rejected it: ${outcome.code}: ${outcome.message}`);
  return outcome.value;
}
