// devicebind/server, as built, in a real workerd with no Node compatibility: a device signs
// in and calls the Worker from Node; the Worker verifies the handshake and each request
// proof, and seals envelopes and streams that only this device opens.

import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceBinding } from '../../../src/core/device-binding.js';
import { openEnvelope, openEnvelopeStream } from '../../../src/envelopes.js';
import { MemoryKeyStore } from '../../../src/keystores/memory/index.js';
import { startWorkerd, type Workerd } from '../../helpers/workerd.js';

const PUBLIC_ORIGIN = 'https://api.example.test';
const SIGN_IN_NONCE = 'workerd-sign-in-nonce';

let worker: Workerd;
let deviceId: string;
const binding = new DeviceBinding({ keyStore: new MemoryKeyStore(), namespace: 'workerd' });
const other = new DeviceBinding({ keyStore: new MemoryKeyStore(), namespace: 'workerd' });

/** Sends a request meant for the public origin to the local workerd, as a load balancer would. */
function toWorker(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url.replace(PUBLIC_ORIGIN, worker.origin), init);
}

async function signedPost(signer: DeviceBinding, body: string) {
  const url = `${PUBLIC_ORIGIN}/api/echo?device=${deviceId}`;
  const headers = await signer.signRequest({ method: 'POST', url, body });
  return { url, headers: { ...headers, 'Content-Type': 'text/plain' } };
}

beforeAll(async () => {
  worker = await startWorkerd({
    entry: fileURLToPath(new URL('./server-module.worker.ts', import.meta.url)),
    text: { PUBLIC_ORIGIN, SIGN_IN_NONCE },
  });
  const { token } = await binding.createHandshake({ nonce: SIGN_IN_NONCE, subject: 'alice' });
  const response = await toWorker(`${PUBLIC_ORIGIN}/sign-in`, {
    method: 'POST',
    body: JSON.stringify({ handshake: token }),
  });
  expect(response.status, worker.output()).toBe(200);
  ({ deviceId } = (await response.json()) as { deviceId: string });
  await other.ensureKeys();
});

afterAll(async () => {
  await worker?.stop();
});

describe('devicebind/server in workerd (no Node compatibility)', () => {
  it('verifies a sign-in handshake and registers the device under its own id', async () => {
    expect(deviceId).toBe(await binding.getDeviceId());
  });

  it('refuses a handshake made for another sign-in challenge', async () => {
    const { token } = await binding.createHandshake({ nonce: 'another-challenge' });
    const response = await toWorker(`${PUBLIC_ORIGIN}/sign-in`, {
      method: 'POST',
      body: JSON.stringify({ handshake: token }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'INVALID_HANDSHAKE' });
  });

  it('accepts a POST whose proof covers its body and names the public URL', async () => {
    const { url, headers } = await signedPost(binding, 'hello from the device');
    const response = await toWorker(url, {
      method: 'POST',
      headers,
      body: 'hello from the device',
    });
    expect(response.status, worker.output()).toBe(200);
    expect(await response.json()).toEqual({ deviceId, body: 'hello from the device' });
  });

  it('refuses the same proof sent a second time (REPLAYED)', async () => {
    const { url, headers } = await signedPost(binding, 'once');
    expect((await toWorker(url, { method: 'POST', headers, body: 'once' })).status).toBe(200);
    const again = await toWorker(url, { method: 'POST', headers, body: 'once' });
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ code: 'REPLAYED' });
  });

  it('refuses a body changed in transit', async () => {
    const { url, headers } = await signedPost(binding, 'pay 10');
    const response = await toWorker(url, { method: 'POST', headers, body: 'pay 1000' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'INVALID_PROOF' });
  });

  it("refuses another device's proof for this device's requests", async () => {
    const { url, headers } = await signedPost(other, 'stolen token');
    const response = await toWorker(url, { method: 'POST', headers, body: 'stolen token' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'INVALID_PROOF' });
  });

  it('seals an envelope that this device opens and another device cannot', async () => {
    const response = await toWorker(
      `${PUBLIC_ORIGIN}/api/envelope?device=${deviceId}&text=for+this+device`,
    );
    expect(response.status, worker.output()).toBe(200);
    const envelope = await response.text();
    expect(new TextDecoder().decode(await openEnvelope(binding, envelope))).toBe('for this device');
    await expect(openEnvelope(other, envelope)).rejects.toMatchObject({
      code: 'INVALID_ENVELOPE',
    });
  });

  it('seals a 1 MiB stream, sent as it is sealed, that this device opens byte for byte', async () => {
    const size = 1024 * 1024;
    const response = await toWorker(`${PUBLIC_ORIGIN}/api/stream?device=${deviceId}&size=${size}`);
    expect(response.status, worker.output()).toBe(200);
    const opened = new Uint8Array(
      await new Response(openEnvelopeStream(binding, response.body!)).arrayBuffer(),
    );
    expect(opened.length).toBe(size);
    expect(opened.every((byte, i) => byte === i % 251)).toBe(true);
  });
});
