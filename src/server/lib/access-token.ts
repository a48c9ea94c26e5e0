// The access-token side of a DPoP request (RFC 9449 §7): the `ath` hash of the presented
// token, kept in a small cache because a session presents the same token on every request,
// and the refusal of a DPoP-bound token downgraded to `Authorization: Bearer` (§7.2).

import { encodeBase64url } from '../../core/base64url.js';
import { refuse } from '../../core/errors.js';
import { utf8Encode } from '../../core/utf8.js';
import { type RequestHeaders, readHeader } from './http-headers.js';
import { sha256Bytes } from './small-digest.js';

/**
 * @internal A direct-mapped cache of token → base64url SHA-256: a fixed number of slots,
 * each holding one token and its hash, so it is bounded by construction and a lookup is
 * one slot. A hit requires the stored token to equal the presented one in full (string
 * equality over every character), so a token that shares a prefix, a length or a slot with
 * a cached one is hashed itself and never gets another token's hash.
 */
export class TokenHashCache {
  readonly #tokens: (string | undefined)[];
  readonly #hashes: string[];
  readonly #mask: number;
  #size = 0;

  /** @param slots - A power of two. */
  constructor(slots: number) {
    this.#tokens = new Array<string | undefined>(slots).fill(undefined);
    this.#hashes = new Array<string>(slots).fill('');
    this.#mask = slots - 1;
  }

  /** How many slots hold a token. */
  get size(): number {
    return this.#size;
  }

  /** The slot `token` lives in: its length and last characters (where tokens differ), mixed. */
  slotOf(token: string): number {
    let h = token.length;
    for (let i = Math.max(0, token.length - 8); i < token.length; i++)
      h = Math.imul(h ^ token.charCodeAt(i), 0x9e3779b1);
    return (h ^ (h >>> 15)) & this.#mask;
  }

  /** base64url SHA-256 of the token's UTF-8 bytes, from the cache when the same token is there. */
  hash(token: string): string | Promise<string> {
    const slot = this.slotOf(token);
    if (this.#tokens[slot] === token) return this.#hashes[slot]!;
    const digest = sha256Bytes(utf8Encode(token));
    if (digest instanceof Uint8Array) return this.#store(slot, token, digest);
    return digest.then((bytes) => this.#store(slot, token, bytes));
  }

  #store(slot: number, token: string, digest: Uint8Array): string {
    const hash = encodeBase64url(digest);
    if (this.#tokens[slot] === undefined) this.#size++;
    this.#tokens[slot] = token;
    this.#hashes[slot] = hash;
    return hash;
  }
}

// 1024 sessions' tokens at about 1 KiB each: a megabyte at most.
const tokenHashes = new TokenHashCache(1024);

/** @internal The `ath` value for `accessToken` (RFC 9449 §4.2): base64url SHA-256 of it. */
export function accessTokenHash(accessToken: string): string | Promise<string> {
  return tokenHashes.hash(accessToken);
}

// RFC 9110 §11.1: the scheme is a case-insensitive token, then whitespace and credentials.
const SCHEME = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:[ \t]|$)/;

/**
 * @internal Refuses an `Authorization` header that presents the token as anything but
 * `DPoP`: `Bearer` always (a DPoP-bound token sent as a bearer token, RFC 9449 §7.2, is the
 * downgrade that would make the proof optional), and any other scheme when an access token
 * is verified. No header at all is left to the caller (the token may come from elsewhere).
 * @throws `INVALID_PROOF` with `detail.claim` `Authorization`.
 */
export function checkAuthorizationScheme(
  headers: RequestHeaders,
  accessToken: string | undefined,
): void {
  const found = readHeader(headers, 'authorization', '"request.headers"', false);
  if (found.kind === 'absent') return;
  if (found.kind === 'repeated') {
    refuse('INVALID_PROOF', 'the request has more than one Authorization header', {
      claim: 'Authorization',
      reason: 'duplicate',
    });
  }
  const scheme = SCHEME.exec(found.value)?.[1];
  const lower = scheme?.toLowerCase();
  if (lower === 'dpop' || (lower !== 'bearer' && accessToken === undefined)) return;
  // The scheme is a registered token, never a credential: it may be shown. Anything that
  // does not parse as a scheme is not shown at all.
  refuse(
    'INVALID_PROOF',
    lower === 'bearer'
      ? 'the access token was sent as "Authorization: Bearer"; a DPoP-bound token must be sent as "Authorization: DPoP <token>" with its proof (RFC 9449 §7.2)'
      : 'the access token must be sent as "Authorization: DPoP <token>"',
    {
      claim: 'Authorization',
      reason: 'mismatch',
      expected: 'DPoP',
      ...(scheme !== undefined && scheme.length <= 20 && { actual: scheme }),
    },
  );
}
