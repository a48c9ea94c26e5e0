// A real OAuth 2.0 authorization server (oidc-provider) on a free loopback port: client
// credentials for one client, DPoP required with server nonces (RFC 9449 §8), and access
// tokens issued as JWTs (RFC 9068) bound to the DPoP key by `cnf.jkt`.

import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider from 'oidc-provider';

/** The API the tokens are issued for (their `aud`). */
export const RESOURCE = 'https://api.example.test';

/** Options for {@link startAuthorizationServer}. */
export interface AuthorizationServerOptions {
  /** The client's id and secret (HTTP Basic at the token endpoint). */
  clients: { clientId: string; clientSecret: string }[];
}

/** A running authorization server. */
export interface AuthorizationServer {
  /** Its issuer URL, `http://127.0.0.1:<port>`. */
  readonly issuer: string;
  /** Its token endpoint. */
  readonly tokenEndpoint: string;
  /** The public keys its access tokens are signed with (what `/jwks` serves). */
  readonly jwks: { keys: JWK[] };
  /** Why it refused each token request, in order (the HTTP answer only says `invalid_grant`). */
  readonly refusals: string[];
  stop(): Promise<void>;
}

async function signingKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: 'tokens-1' };
}

/** Starts oidc-provider on 127.0.0.1 with DPoP and DPoP nonces required for every client. */
export async function startAuthorizationServer(
  options: AuthorizationServerOptions,
): Promise<AuthorizationServer> {
  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const key = await signingKey();
  const provider = new Provider(issuer, {
    clients: options.clients.map(({ clientId, clientSecret }) => ({
      client_id: clientId,
      client_secret: clientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
      // Every token this client gets is bound to a DPoP key; Bearer tokens are refused.
      dpop_bound_access_tokens: true,
    })),
    jwks: { keys: [key] },
    scopes: ['orders'],
    ttl: { ClientCredentials: 300 },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      dPoP: {
        enabled: true,
        nonceSecret: Buffer.from(crypto.getRandomValues(new Uint8Array(32))),
        requireNonce: () => true,
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'orders',
          accessTokenTTL: 300,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
  });
  const refusals: string[] = [];
  provider.on('grant.error', (_ctx: unknown, err: Error & { error_description?: string }) => {
    refusals.push(`${err.message}: ${err.error_description ?? ''}`);
  });
  server.on('request', provider.callback());
  const { d: _private, ...publicKey } = key;
  return {
    issuer,
    tokenEndpoint: `${issuer}/token`,
    jwks: { keys: [publicKey] },
    refusals,
    async stop() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
