// A Worker that runs `devicebind/server/attestation` (the built package) in workerd with no
// Node compatibility: sign-in handshakes whose keys must be attested (Android key attestation
// under a test root, App Attest under another), Google's status list loaded once and shared,
// and App Attest assertions with their counters.

import { type PublicJwk, verifyHandshake } from 'devicebind/server';
import {
  createRevocationList,
  type DeviceAttestationPolicy,
  isDeviceBindingError,
  verifyAppAttestAssertion,
  verifyDeviceAttestation,
} from 'devicebind/server/attestation';

interface Env {
  SIGN_IN_NONCE: string;
  ANDROID_ROOT: string;
  APPLE_ROOT: string;
  TEAM_ID: string;
  BUNDLE_ID: string;
  /** The attestation status list, as Google serves it. */
  STATUS_LIST: string;
}

/** App Attest keys by key id: the public key and the highest counter seen. */
const appAttestKeys = new Map<string, { publicKey: PublicJwk; counter: number }>();
let policy: DeviceAttestationPolicy | undefined;
let statusListLoads = 0;

function policyFor(env: Env): DeviceAttestationPolicy {
  policy ??= {
    android: {
      roots: [env.ANDROID_ROOT],
      revocation: createRevocationList({
        load: async () => {
          statusListLoads++;
          return JSON.parse(env.STATUS_LIST);
        },
      }),
      packageNames: ['com.example.app'],
    },
    ios: { teamId: env.TEAM_ID, bundleId: env.BUNDLE_ID, roots: [env.APPLE_ROOT] },
  };
  return policy;
}

async function route(request: Request, env: Env): Promise<Response> {
  const url = new URL(request.url);
  if (request.method === 'POST' && url.pathname === '/sign-in') {
    const { handshake } = (await request.json()) as { handshake: string };
    const device = await verifyHandshake(handshake, { expectedNonce: env.SIGN_IN_NONCE });
    const { signing, fresh } = await verifyDeviceAttestation(device, policyFor(env));
    if (signing?.platform === 'ios') {
      appAttestKeys.set(signing.keyId, { publicKey: signing.publicKey, counter: signing.counter });
    }
    return Response.json({
      platform: signing?.platform,
      securityLevel: signing?.securityLevel,
      keyId: signing?.platform === 'ios' ? signing.keyId : undefined,
      fresh,
      statusListLoads,
    });
  }
  if (request.method === 'POST' && url.pathname === '/assertion') {
    const { keyId, assertion, clientData } = (await request.json()) as Record<string, string>;
    const stored = appAttestKeys.get(keyId ?? '');
    if (stored === undefined) return Response.json({ code: 'UNKNOWN_KEY' }, { status: 404 });
    const { counter } = await verifyAppAttestAssertion(assertion!, {
      publicKey: stored.publicKey,
      previousCounter: stored.counter,
      teamId: env.TEAM_ID,
      bundleId: env.BUNDLE_ID,
      clientData: clientData!,
    });
    stored.counter = counter;
    return Response.json({ counter });
  }
  return new Response('not found', { status: 404 });
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    try {
      return await route(request, env);
    } catch (err) {
      if (!isDeviceBindingError(err)) throw err;
      return Response.json(
        { code: err.code, reason: err.detail?.reason, message: err.message },
        { status: 401 },
      );
    }
  },
};
