// Types of access-tokens.mjs.

import type { DeviceBindingError } from 'devicebind/server';
import type { JWK } from 'jose';

/** The token issuer and checker for one signing key. */
export interface Tokens {
  /** A DPoP-bound access token for `user` on the device `deviceId` (its key's thumbprint). */
  issue(user: string, deviceId: string): Promise<string>;
  /** The token's user and device key thumbprint, or `undefined` when it is not ours. */
  verify(token: string): Promise<{ user: string; jkt: string } | undefined>;
}

export declare function createTokens(privateJwk: JWK, issuer: string): Promise<Tokens>;
export declare function dpopAccessToken(
  authorization: string | null | undefined,
): string | undefined;
export declare function invalidToken(accessToken: string | undefined): DeviceBindingError;
