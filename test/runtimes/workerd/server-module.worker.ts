// A Worker that runs `devicebind/server` (the built package) in workerd with no Node
// compatibility: sign-in handshakes, request proofs, envelopes and streams for the device.
// The state lives in the isolate, which is enough for one test run.

import { isDeviceBindingError } from 'devicebind';
import {
  MemoryReplayCache,
  type PublicJwk,
  sealEnvelope,
  sealEnvelopeStream,
  verifyHandshake,
  verifyRequest,
} from 'devicebind/server';

interface Env {
  /** The API's public origin: the URL a proof names is built from it, never from `Host`. */
  PUBLIC_ORIGIN: string;
  /** The sign-in challenge this test server expects. */
  SIGN_IN_NONCE: string;
}

interface Device {
  signingKey: PublicJwk;
  encryptionKey: PublicJwk;
}

const devices = new Map<string, Device>();
const replayCache = new MemoryReplayCache();

function failure(err: unknown): Response {
  if (!isDeviceBindingError(err)) throw err;
  const status = err.code === 'REPLAY_CHECK_FAILED' ? 503 : 401;
  return Response.json({ code: err.code, message: err.message }, { status });
}

/** The generated content of a sealed stream: byte i is i mod 251. */
function media(size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= size) return controller.close();
      const chunk = new Uint8Array(Math.min(48_000, size - sent)).map((_, i) => (sent + i) % 251);
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
}

async function route(request: Request, env: Env): Promise<Response> {
  const url = new URL(request.url);
  if (request.method === 'POST' && url.pathname === '/sign-in') {
    const { handshake } = (await request.json()) as { handshake: string };
    const device = await verifyHandshake(handshake, { expectedNonce: env.SIGN_IN_NONCE });
    devices.set(device.deviceId, device);
    return Response.json({ deviceId: device.deviceId, subject: device.subject });
  }
  const device = devices.get(url.searchParams.get('device') ?? '');
  if (device === undefined) return Response.json({ code: 'UNKNOWN_DEVICE' }, { status: 404 });
  if (url.pathname === '/api/echo') {
    // The Request itself: the verifier reads the body from a clone, so it is still unread here.
    const { deviceId } = await verifyRequest(request, {
      signingKey: device.signingKey,
      replayCache,
      expectedOrigin: env.PUBLIC_ORIGIN,
    });
    return Response.json({ deviceId, body: await request.text() });
  }
  if (url.pathname === '/api/envelope') {
    const text = url.searchParams.get('text') ?? '';
    return new Response(await sealEnvelope(new TextEncoder().encode(text), device.encryptionKey));
  }
  if (url.pathname === '/api/stream') {
    const size = Number(url.searchParams.get('size'));
    return new Response(sealEnvelopeStream(media(size), device.encryptionKey));
  }
  return new Response('not found', { status: 404 });
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    try {
      return await route(request, env);
    } catch (err) {
      return failure(err);
    }
  },
};
