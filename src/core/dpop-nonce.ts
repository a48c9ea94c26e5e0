// The client's reading of a server's DPoP nonce: which header values are nonces at all, and
// which responses demand one (RFC 9449 §8 and §9), including what CORS hides from a page.

import { fail } from './errors.js';

/** @internal RFC 9449 §8.1: a nonce is one or more NQCHAR (%x21 / %x23-5B / %x5D-7E). */
export const DPOP_NONCE = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** @internal Cancels the body of a response that is thrown away, freeing its connection. */
export function discard(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}

/**
 * @internal Whether `response`, from `origin`, demands a DPoP nonce and carries a valid one
 * to retry with: a 401 whose `WWW-Authenticate` names `use_dpop_nonce` (RFC 9449 §9), or a
 * 400 whose JSON body does (§8). A 401 that crossed origins with its `WWW-Authenticate`
 * hidden (every 401 carries one, RFC 9110 §15.5.2) counts too: the page cannot tell a nonce
 * challenge from any other there, and treating it as one either finds a readable
 * `DPoP-Nonce` or reports the hidden headers. A malformed nonce is ignored: no retry.
 * @throws `NONCE_UNREADABLE` when it demands a nonce and carries none that can be read.
 */
export async function demandsNonce(response: Response, origin: string): Promise<boolean> {
  const { status, headers } = response;
  const challenge = headers.get('WWW-Authenticate');
  let demanded =
    status === 401 &&
    (challenge === null
      ? response.type === 'cors'
      : /\berror\s*=\s*"?use_dpop_nonce"?/i.test(challenge));
  if (status === 400) {
    try {
      demanded = (await response.clone().json())?.error === 'use_dpop_nonce';
    } catch {
      // Not JSON: not the authorization server's challenge.
    }
  }
  const nonce = headers.get('DPoP-Nonce');
  if (demanded && nonce === null) {
    discard(response);
    fail(
      'NONCE_UNREADABLE',
      `${origin} demands a DPoP nonce that this client cannot read: the server must send ` +
        'Access-Control-Expose-Headers: DPoP-Nonce, WWW-Authenticate',
    );
  }
  return demanded && DPOP_NONCE.test(nonce as string);
}
