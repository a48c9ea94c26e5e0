// devicebind next to a real OAuth authorization server (oidc-provider, DPoP and nonces
// required): a DeviceBinding gets a DPoP-bound JWT access token through createFetch, and the
// example resource server, built on verifyRequest({ jkt }), accepts that device's requests
// and refuses everybody else's. oauth4webapi is the standard DPoP client beside it.

import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResourceServer } from '../../examples/node-express/oauth-resource-server.mjs';
import { DeviceBinding } from '../../src/core/device-binding.js';
import { createFetch } from '../../src/fetch.js';
import { MemoryKeyStore } from '../../src/keystores/memory/index.js';
import { MemoryReplayCache } from '../../src/server/index.js';
import {
  type AuthorizationServer,
  RESOURCE,
  startAuthorizationServer,
} from './helpers/authorization-server.js';

const CLIENT = { clientId: 'device-app', clientSecret: 'a client secret of the device app' };
const BASIC = `Basic ${btoa(`${CLIENT.clientId}:${CLIENT.clientSecret}`)}`;
const ORDERS = `${RESOURCE}/orders`;

let as: AuthorizationServer;
const servers: Server[] = [];
/** The resource server's loopback origin, by its body-binding policy. */
const origins: Record<'required' | 'optional', string> = { required: '', optional: '' };

async function listen(app: { listen: (port: number, host: string) => Server }): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A fetch that sends requests for the public origin to a local resource server, as a load balancer does. */
function via(policy: 'required' | 'optional'): typeof fetch {
  return (input, init) => {
    const request = new Request(input, init);
    return fetch(new Request(request.url.replace(RESOURCE, origins[policy]), request));
  };
}

async function deviceToken(binding: DeviceBinding): Promise<string> {
  await binding.ensureKeys();
  const response = await createFetch(binding)(as.tokenEndpoint, {
    method: 'POST',
    headers: { Authorization: BASIC, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'orders' }),
  });
  const body = (await response.json()) as Record<string, string>;
  expect(response.status, JSON.stringify(body)).toBe(200);
  expect(body.token_type).toBe('DPoP');
  return body.access_token as string;
}

const device = new DeviceBinding({ keyStore: new MemoryKeyStore(), namespace: 'oauth' });
const other = new DeviceBinding({ keyStore: new MemoryKeyStore(), namespace: 'oauth' });
let accessToken: string;

beforeAll(async () => {
  as = await startAuthorizationServer({ clients: [CLIENT] });
  for (const bodyBinding of ['required', 'optional'] as const) {
    origins[bodyBinding] = await listen(
      createResourceServer({
        issuer: as.issuer,
        jwksUri: `${as.issuer}/jwks`,
        publicOrigin: RESOURCE,
        replayCache: new MemoryReplayCache(),
        bodyBinding,
      }),
    );
  }
  accessToken = await deviceToken(device);
  await other.ensureKeys();
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  await as?.stop();
});

describe('a DeviceBinding and oidc-provider (DPoP with nonces required)', () => {
  it('gets a JWT access token bound to the device key (cnf.jkt), after answering the nonce challenge', async () => {
    const claims = decodeJwt(accessToken);
    expect(claims.cnf).toEqual({ jkt: await device.getDeviceId() });
    expect(claims.aud).toBe(RESOURCE);
    // The first token request had no nonce: the server asked for one, createFetch retried.
    expect(as.refusals[0]).toMatch(/use_dpop_nonce/);
  });

  it("the resource server accepts the device's GET with that token", async () => {
    const response = await createFetch(device, { accessToken, fetch: via('required') })(ORDERS);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ orders: [], client: CLIENT.clientId });
  });

  it("the resource server accepts the device's POST, its body covered by the proof", async () => {
    const response = await createFetch(device, { accessToken, fetch: via('required') })(ORDERS, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ item: 42 }),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ accepted: { item: 42 }, client: CLIENT.clientId });
  });

  it("refuses another device's proofs with this device's token (401 invalid_dpop_proof)", async () => {
    const response = await createFetch(other, { accessToken, fetch: via('required') })(ORDERS);
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toMatch(/^DPoP .*error="invalid_dpop_proof"/);
  });

  it('refuses a proof sent a second time (REPLAYED)', async () => {
    const headers = await device.signRequest({ method: 'GET', url: ORDERS, accessToken });
    const send = () =>
      via('required')(ORDERS, { headers: { ...headers, Authorization: `DPoP ${accessToken}` } });
    expect((await send()).status).toBe(200);
    const again = await send();
    expect(again.status).toBe(401);
    expect(again.headers.get('WWW-Authenticate')).toMatch(/error="invalid_dpop_proof"/);
  });

  it('refuses the DPoP-bound token presented as a Bearer token (the downgrade of RFC 9449 §7.2)', async () => {
    const headers = await device.signRequest({ method: 'GET', url: ORDERS, accessToken });
    const response = await via('required')(ORDERS, {
      headers: { ...headers, Authorization: `Bearer ${accessToken}` },
    });
    expect(response.status).toBe(401);
  });

  it('refuses a request with no access token (401 invalid_token)', async () => {
    const response = await createFetch(device, { fetch: via('required') })(ORDERS);
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toMatch(/error="invalid_token"/);
  });
});

describe('oauth4webapi as a standard DPoP client of the same servers', () => {
  const client: oauth.Client = { client_id: CLIENT.clientId };
  let server: oauth.AuthorizationServer;
  let dpop: oauth.DPoPHandle;
  let token: string;

  const options = (policy: 'required' | 'optional') => ({
    DPoP: dpop,
    // oauth4webapi's body type is wider than RequestInit's; it sends strings here.
    [oauth.customFetch]: (
      url: string,
      init: oauth.CustomFetchOptions<string, oauth.ProtectedResourceRequestBody>,
    ) => via(policy)(url, init as RequestInit),
  });

  beforeAll(async () => {
    const issuer = new URL(as.issuer);
    server = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { [oauth.allowInsecureRequests]: true }),
    );
    dpop = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const grant = () =>
      oauth.clientCredentialsGrantRequest(
        server,
        client,
        oauth.ClientSecretBasic(CLIENT.clientSecret),
        { scope: 'orders' },
        { DPoP: dpop, [oauth.allowInsecureRequests]: true },
      );
    // The first answer is the nonce challenge; the handle keeps the nonce for the retry.
    const first = await grant();
    const result = await oauth
      .processClientCredentialsResponse(server, client, first)
      .catch(async (err) => {
        if (!oauth.isDPoPNonceError(err)) throw err;
        return oauth.processClientCredentialsResponse(server, client, await grant());
      });
    token = result.access_token;
  });

  it('gets its GET accepted by the resource server', async () => {
    const response = await oauth.protectedResourceRequest(
      token,
      'GET',
      new URL(ORDERS),
      new Headers(),
      null,
      options('required'),
    );
    expect(response.status).toBe(200);
  });

  it('has its POST refused by default: the proof does not cover the body (no content_digest)', async () => {
    const refusal = await oauth
      .protectedResourceRequest(
        token,
        'POST',
        new URL(ORDERS),
        new Headers({ 'Content-Type': 'application/json' }),
        JSON.stringify({ item: 7 }),
        options('required'),
      )
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(refusal).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    const challenge = refusal as oauth.WWWAuthenticateChallengeError;
    expect(challenge.status).toBe(401);
    expect(challenge.cause[0]?.parameters.error).toBe('invalid_dpop_proof');
    // RFC 9530 §4: the server says which digest it wants.
    expect(challenge.response.headers.get('Want-Content-Digest')).toMatch(/sha-256/);
  });

  it("has its POST accepted by a resource server that opts into bodyBinding: 'optional'", async () => {
    const response = await oauth.protectedResourceRequest(
      token,
      'POST',
      new URL(ORDERS),
      new Headers({ 'Content-Type': 'application/json' }),
      JSON.stringify({ item: 7 }),
      options('optional'),
    );
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ accepted: { item: 7 }, client: CLIENT.clientId });
  });
});
