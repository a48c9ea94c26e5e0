// The end-to-end demo: a device signs in and makes signed requests against a real local
// server, the attacks devicebind is built to stop are tried and fail, and the device rotates
// its keys without a new sign-in.

import { DeviceBinding, isDeviceBindingError } from 'devicebind';
import { openEnvelope } from 'devicebind/envelopes';
import { createFetch } from 'devicebind/fetch';
import { WebCryptoKeyStore } from 'devicebind/keystores/webcrypto';
import { forgetPreviousKeys, rotateKeys } from 'devicebind/rotation';
import { startDemoServer } from './server.mjs';

const line = (text = '') => console.log(text);
const short = (value) => (value.length > 24 ? `${value.slice(0, 20)}…` : value);
const outcome = { passed: 0, failed: 0 };

function expect(label, ok, detail) {
  outcome[ok ? 'passed' : 'failed']++;
  line(`   ${ok ? '✔' : '✘ UNEXPECTED:'} ${label}${detail ? ` — ${detail}` : ''}`);
}

/** A fetch that prints each exchange, so the transcript shows the nonce retry. */
function tracingFetch(origin) {
  return async (input, init) => {
    const response = await fetch(input, init);
    // createFetch passes a Request (method, URL and headers inside it) and no init.
    const request = typeof input === 'string' || input instanceof URL ? undefined : input;
    const url = new URL(request?.url ?? input);
    const method = init?.method ?? request?.method ?? 'GET';
    const note =
      response.status === 401 && response.headers.has('DPoP-Nonce')
        ? ' (server asks for its nonce)'
        : '';
    line(`   → ${method} ${url.href.replace(origin, '')}  ← ${response.status}${note}`);
    return response;
  };
}

async function reasonOf(response) {
  const body = await response.json();
  return `${response.status} ${body.code ?? body.error}: ${body.error_description ?? ''}`.trim();
}

export async function runDemo() {
  const server = await startDemoServer();
  const { origin } = server;
  const post = (path, body, headers = {}) =>
    fetch(`${origin}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', ...headers },
    });
  try {
    line(`devicebind demo — API server on ${origin}`);
    line();
    line('1. Alice signs in on her phone; the app makes device keys and a handshake');
    const phone = new DeviceBinding({
      keyStore: new WebCryptoKeyStore(),
      namespace: 'com.example.demo',
    });
    const { nonce } = await (await post('/auth/challenge', {})).json();
    const handshake = await phone.createHandshake({ nonce, subject: 'alice' });
    line(`   device id (key thumbprint): ${handshake.deviceId}`);
    const signIn = await post('/auth/sign-in', {
      username: 'alice',
      password: 'correct horse battery staple',
      handshake: handshake.token,
    });
    const { access_token: accessToken, device_id: boundTo } = await signIn.json();
    expect(
      'signed in; the access token is bound to the device key (cnf.jkt)',
      signIn.status === 200 && boundTo === handshake.deviceId,
      `token ${short(accessToken)}`,
    );
    line();

    line('2. The app calls the API; every request carries a DPoP proof signed in the key store');
    const api = createFetch(phone, { fetch: tracingFetch(origin), accessToken });
    const profile = await api(`${origin}/api/profile`);
    expect('GET /api/profile', profile.status === 200, JSON.stringify(await profile.json()));
    const note = await api(`${origin}/api/notes`, {
      method: 'POST',
      body: JSON.stringify({ text: 'pay Bob 10' }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(
      'POST /api/notes (the proof covers the body through Content-Digest)',
      note.status === 201,
    );
    const file = await api(`${origin}/api/files/welcome.txt`);
    const { envelope } = await file.json();
    const plaintext = new TextDecoder().decode(await openEnvelope(phone, envelope));
    expect(
      'a file sealed for this device opens on it',
      file.status === 200 && plaintext.startsWith('Premium'),
      `"${plaintext}"`,
    );
    line();

    line('3. The attacks');
    const attacker = new DeviceBinding({
      keyStore: new WebCryptoKeyStore(),
      namespace: 'com.example.demo',
    });
    await attacker.ensureKeys();
    const stolen = await createFetch(attacker, { accessToken })(`${origin}/api/profile`);
    expect(
      "Alice's stolen token, used from another device, is refused",
      stolen.status === 401,
      await reasonOf(stolen),
    );

    const bearer = await fetch(`${origin}/api/profile`, {
      headers: { Authorization: `DPoP ${accessToken}` },
    });
    expect('the token without a proof is refused', bearer.status === 401, await reasonOf(bearer));

    const serverNonce = profile.headers.get('DPoP-Nonce') ?? note.headers.get('DPoP-Nonce');
    const fresh = await fetch(`${origin}/api/profile`, {
      headers: { Authorization: `DPoP ${accessToken}` },
    });
    const currentNonce = fresh.headers.get('DPoP-Nonce') ?? serverNonce;
    const captured = await phone.signRequest({
      method: 'GET',
      url: `${origin}/api/profile`,
      accessToken,
      nonce: currentNonce,
    });
    const headers = { ...captured, Authorization: `DPoP ${accessToken}` };
    const original = await fetch(`${origin}/api/profile`, { headers });
    const replayed = await fetch(`${origin}/api/profile`, { headers });
    expect(
      'a captured request sent again is refused',
      original.status === 200 && replayed.status === 401,
      await reasonOf(replayed),
    );

    const body = JSON.stringify({ text: 'pay Bob 10' });
    const signed = await phone.signRequest({
      method: 'POST',
      url: `${origin}/api/notes`,
      body,
      accessToken,
      nonce: currentNonce,
    });
    const tampered = await fetch(`${origin}/api/notes`, {
      method: 'POST',
      body: JSON.stringify({ text: 'pay Mallory 10000' }),
      headers: {
        ...signed,
        Authorization: `DPoP ${accessToken}`,
        'Content-Type': 'application/json',
      },
    });
    expect(
      'a request whose body was changed in transit is refused',
      tampered.status === 401,
      await reasonOf(tampered),
    );

    const copied = await openEnvelope(attacker, envelope).then(
      () => 'opened',
      (err) => (isDeviceBindingError(err) ? `${err.code}: ${err.message}` : String(err)),
    );
    expect(
      'the same file copied to another device does not open',
      copied.startsWith('INVALID_ENVELOPE'),
      copied,
    );
    line();

    line('4. The phone rotates its keys, without asking Alice for her password');
    const challenge = await api(`${origin}/device/rotate/challenge`, { method: 'POST' });
    // A request the old key signs now, to send once the rotation is done.
    const oldProof = await phone.signRequest({
      method: 'GET',
      url: `${origin}/api/profile`,
      accessToken,
      nonce: challenge.headers.get('DPoP-Nonce'),
    });
    const rotation = await rotateKeys(phone, { nonce: (await challenge.json()).nonce });
    line(`   new device id: ${rotation.deviceId} (token signed by the old and the new key)`);
    const answer = await api(`${origin}/device/rotate`, {
      method: 'POST',
      body: JSON.stringify({ token: rotation.token }),
      headers: { 'Content-Type': 'application/json' },
    });
    const rotated = await answer.json();
    if (answer.ok) await rotation.commit();
    else await rotation.abort();
    expect(
      'the server moved the binding; new tokens are bound to the new key',
      answer.status === 200 && rotated.device_id === rotation.deviceId,
    );
    const api2 = createFetch(phone, {
      fetch: tracingFetch(origin),
      accessToken: rotated.access_token,
    });
    const again = await api2(`${origin}/api/profile`);
    expect('GET /api/profile with the new key', again.status === 200);
    const cached = new TextDecoder().decode(await openEnvelope(phone, envelope));
    expect(
      'the file sealed for the old key still opens (previous keys kept until forgotten)',
      cached.startsWith('Premium'),
    );
    await forgetPreviousKeys(phone);
    const oldKey = await fetch(`${origin}/api/profile`, {
      headers: { ...oldProof, Authorization: `DPoP ${accessToken}` },
    });
    expect(
      'the old key and its token are refused once the new key is in use',
      oldKey.status === 401,
      await reasonOf(oldKey),
    );
    const nonce2 = (
      await (await api2(`${origin}/device/rotate/challenge`, { method: 'POST' })).json()
    ).nonce;
    const forged = await rotateKeys(attacker, { nonce: nonce2 });
    const hijack = await api2(`${origin}/device/rotate`, {
      method: 'POST',
      body: JSON.stringify({ token: forged.token }),
      headers: { 'Content-Type': 'application/json' },
    });
    await forged.abort();
    expect(
      "a rotation token from another device's key, sent in Alice's session, is refused",
      hijack.status === 400,
      await reasonOf(hijack),
    );
    line();
    line(`${outcome.passed} of ${outcome.passed + outcome.failed} steps behaved as expected.`);
    return outcome;
  } finally {
    await server.close();
  }
}
