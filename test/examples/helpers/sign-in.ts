// What the example tests share: a fetch that plays the load balancer (requests for the
// public origin go to the instances in turn), and the example servers' sign-in.

import type { DeviceBinding } from '../../../src/core/device-binding.js';

/** The example servers' demo account. */
export const DEMO_USER = { username: 'alice', password: 'correct horse battery staple' };

/**
 * A fetch that sends each request for `publicOrigin` to the next of `origins` in turn, with
 * its headers (the public Host aside) and body unchanged.
 */
export function viaLoadBalancer(publicOrigin: string, origins: readonly string[]): typeof fetch {
  let turn = 0;
  return async (input, init) => {
    const request = new Request(input, init);
    const origin = origins[turn++ % origins.length] as string;
    return fetch(new Request(request.url.replace(publicOrigin, origin), request));
  };
}

/** Signs `binding` in (challenge, handshake, password) and returns its access token. */
export async function signIn(
  binding: DeviceBinding,
  publicOrigin: string,
  send: typeof fetch,
): Promise<string> {
  const challenge = await send(`${publicOrigin}/auth/challenge`);
  const { nonce } = (await challenge.json()) as { nonce: string };
  const { token } = await binding.createHandshake({ nonce, subject: DEMO_USER.username });
  const response = await send(`${publicOrigin}/auth/sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ...DEMO_USER, handshake: token }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (response.status !== 200 || !body.access_token)
    throw new Error(`sign-in failed: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}
