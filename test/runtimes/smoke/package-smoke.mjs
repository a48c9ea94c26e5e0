// The built package end to end in one script, for runtimes other than Node (Deno, Bun): a
// device signs in and signs a request, the server verifies both, seals for the device, and
// the device opens it. Prints one JSON line of outcomes; the test reads it.

import { DeviceBinding, isDeviceBindingError } from 'devicebind';
import { openEnvelope, openEnvelopeStream, seal, unseal } from 'devicebind/envelopes';
import { MemoryKeyStore } from 'devicebind/keystores/memory';
import {
  MemoryReplayCache,
  sealEnvelope,
  sealEnvelopeStream,
  verifyHandshake,
  verifyRequest,
} from 'devicebind/server';

const URL_ = 'https://api.example.com/v1/orders';
const BODY = '{"item":42}';

async function refusal(promise) {
  try {
    await promise;
    return 'accepted';
  } catch (err) {
    return isDeviceBindingError(err) ? err.code : `not a DeviceBindingError: ${err}`;
  }
}

function fetchRequest(headers, body = BODY) {
  return new Request(URL_, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body,
  });
}

async function readAll(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(...chunk);
  return new Uint8Array(chunks);
}

const outcome = {};
const binding = new DeviceBinding({ keyStore: new MemoryKeyStore(), namespace: 'smoke' });
const other = new DeviceBinding({ keyStore: new MemoryKeyStore(), namespace: 'smoke' });

const { token } = await binding.createHandshake({ nonce: 'sign-in-nonce', subject: 'alice' });
const device = await verifyHandshake(token, { expectedNonce: 'sign-in-nonce' });
outcome.handshakeDeviceId = device.deviceId === (await binding.getDeviceId());
outcome.handshakeWrongNonce = await refusal(
  verifyHandshake(token, { expectedNonce: 'another-nonce' }),
);

const replayCache = new MemoryReplayCache();
const options = { signingKey: device.signingKey, accessToken: 'token-1', replayCache };
const headers = await binding.signRequest({
  method: 'POST',
  url: URL_,
  body: BODY,
  accessToken: 'token-1',
});
const received = fetchRequest(headers);
const verified = await verifyRequest(received, options);
outcome.requestDeviceId = verified.deviceId === device.deviceId;
outcome.requestBodyStillUnread = (await received.text()) === BODY;
outcome.requestReplayed = await refusal(verifyRequest(fetchRequest(headers), options));

const tampered = await binding.signRequest({
  method: 'POST',
  url: URL_,
  body: BODY,
  accessToken: 'token-1',
});
outcome.requestTamperedBody = await refusal(
  verifyRequest(fetchRequest(tampered, '{"item":43}'), options),
);
await other.ensureKeys();
const stolen = await other.signRequest({
  method: 'POST',
  url: URL_,
  body: BODY,
  accessToken: 'token-1',
});
outcome.requestOtherDevice = await refusal(verifyRequest(fetchRequest(stolen), options));

const envelope = await sealEnvelope(
  new TextEncoder().encode('for this device'),
  device.encryptionKey,
);
outcome.envelopeOpened = new TextDecoder().decode(await openEnvelope(binding, envelope));
outcome.envelopeOtherDevice = await refusal(openEnvelope(other, envelope));

const media = new Uint8Array(200_000).map((_, i) => i % 251);
const sealedStream = sealEnvelopeStream(new Blob([media]).stream(), device.encryptionKey);
const opened = await readAll(openEnvelopeStream(binding, sealedStream));
outcome.streamOpened = opened.length === media.length && opened.every((b, i) => b === media[i]);

const sealed = await seal(binding, new TextEncoder().encode('at rest'), { context: 'smoke' });
outcome.unsealed = new TextDecoder().decode(await unseal(binding, sealed, { context: 'smoke' }));
outcome.unsealWrongContext = await refusal(unseal(binding, sealed, { context: 'other' }));

console.log(JSON.stringify(outcome));
