// The body check of a request proof: the RFC 9530 `Content-Digest` of the received bytes
// against the proof's signed `content_digest` claim, and the policy for bodies no proof covers.

import { refuse } from '../../core/errors.js';
import { type RequestHeaders, readHeader } from './http-headers.js';
import type { ReceivedRequest } from './request-input.js';
import { bodyDigest } from './small-digest.js';

/**
 * How a request body must be bound to its proof.
 *
 * - `required` (the default): a request with a body must carry a proof whose
 *   `content_digest` claim covers it, as devicebind's clients send. A captured proof then
 *   cannot carry another body.
 * - `optional`: weaker. A proof without `content_digest` is accepted with its body
 *   unchecked, for standard DPoP clients (oauth4webapi, dpop, …) that sign method, URL and
 *   token but not the body: whoever captures such a request can replay its proof with a
 *   body of their own within the replay window (once, with a replay cache, and only if the
 *   original never arrived). A proof that does carry `content_digest` is still checked.
 *
 * @example
 * ```ts
 * await verifyRequest(request, { jkt, accessToken, replayCache, bodyBinding: 'optional' });
 * ```
 */
export type BodyBinding = 'required' | 'optional';

/** @internal Checks the body against `claim` (the proof's `content_digest`) under `policy`. */
export async function checkBody(
  request: ReceivedRequest,
  claim: string | undefined,
  policy: BodyBinding,
): Promise<void> {
  checkDigestHeader(request.headers, claim);
  if (claim === undefined) {
    if (policy === 'optional' || !request.mayHaveBody) return;
    const body = await request.readBody();
    if (body !== undefined && body.length > 0) {
      refuse(
        'INVALID_PROOF',
        'the request has a body, but the DPoP proof does not cover it (no "content_digest"); ' +
          'devicebind clients add it, and standard DPoP clients are accepted only with bodyBinding: "optional"',
        { claim: 'content_digest', reason: 'missing' },
      );
    }
    return;
  }
  const body = await request.readBody();
  if (body === undefined) {
    refuse(
      'INVALID_PROOF',
      'the DPoP proof covers a body ("content_digest"), but the request has none (pass the raw body as "request.body")',
      { claim: 'content_digest', reason: 'mismatch' },
    );
  }
  // RFC 9530 §2: recompute the digest over the received bytes.
  if ((await bodyDigest(body)) !== claim) {
    refuse('INVALID_PROOF', 'the request body does not match the DPoP proof\'s "content_digest"', {
      claim: 'content_digest',
      reason: 'mismatch',
    });
  }
}

// A Content-Digest header the signature does not cover could have been swapped along with
// the body, and the app might trust it: it must be exactly the signed value, or absent.
function checkDigestHeader(headers: RequestHeaders, claim: string | undefined): void {
  const header = readHeader(headers, 'content-digest', 'request.headers', false);
  if (header.kind === 'repeated') {
    refuse('INVALID_PROOF', 'the request has more than one Content-Digest header', {
      claim: 'Content-Digest',
      reason: 'duplicate',
    });
  }
  if (header.kind === 'single' && header.value.trim() !== claim) {
    refuse(
      'INVALID_PROOF',
      claim === undefined
        ? 'the request has a Content-Digest header, but the DPoP proof does not cover it (no "content_digest")'
        : 'the Content-Digest header does not match the DPoP proof\'s "content_digest"',
      { claim: 'Content-Digest', reason: 'mismatch' },
    );
  }
}
