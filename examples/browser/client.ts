// The browser side of the example: binds this browser at sign-in, signs every API call with
// a DPoP proof through createFetch, and opens a file the server sealed for this device only.

import { DeviceBinding, isDeviceBindingError } from 'devicebind';
import { openEnvelope } from 'devicebind/envelopes';
import { createFetch } from 'devicebind/fetch';
import { WebCryptoKeyStore } from 'devicebind/keystores/webcrypto';

const binding = new DeviceBinding({
  keyStore: new WebCryptoKeyStore(),
  namespace: 'com.example.browser-demo',
});

let accessToken: string | undefined = sessionStorage.getItem('accessToken') ?? undefined;
let lastRequest: Request | undefined;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

function log(message: string): void {
  const line = `${new Date().toLocaleTimeString()}  ${message}`;
  const out = element<HTMLOutputElement>('log');
  out.textContent = out.textContent === '' ? line : `${out.textContent}\n${line}`;
}

function show(id: string, text: string, ok: boolean): void {
  const out = element<HTMLOutputElement>(id);
  out.textContent = text;
  out.className = ok ? 'ok' : 'refused';
}

function setSignedIn(signedIn: boolean): void {
  for (const id of ['call-api', 'post-note', 'open-file', 'sign-out'])
    element<HTMLButtonElement>(id).disabled = !signedIn;
  element<HTMLButtonElement>('replay').disabled = !signedIn || lastRequest === undefined;
}

// Records what each signed request carried, so the page can show what a replay gets.
const recordingFetch: typeof fetch = (input, init) => {
  const request = new Request(input, init);
  lastRequest = request.clone();
  element<HTMLButtonElement>('replay').disabled = false;
  return fetch(request);
};

// Signs every request (DPoP proof, Content-Digest for bodies), sends `Authorization: DPoP`,
// and retries once with the server's nonce when it asks for one.
const api = createFetch(binding, { fetch: recordingFetch, accessToken: () => accessToken ?? '' });

/** Why the server refused: the error code and its description, or the server's message. */
function reason(result: Record<string, unknown>): string {
  return typeof result.code === 'string'
    ? `${result.code}: ${String(result.error_description ?? '')}`
    : String(result.error ?? '');
}

async function readJson(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { error: text };
  }
}

async function signIn(event: Event): Promise<void> {
  event.preventDefault();
  const username = element<HTMLInputElement>('username').value;
  const password = element<HTMLInputElement>('password').value;
  const { nonce } = (await readJson(await fetch('/api/challenge', { method: 'POST' }))) as {
    nonce: string;
  };
  log(`server challenge: ${nonce.slice(0, 12)}…`);
  // First use makes the keys in IndexedDB; later sign-ins reuse them (same device id).
  const handshake = await binding.createHandshake({ nonce, subject: username });
  log(`handshake signed by device ${handshake.deviceId}`);
  const response = await fetch('/api/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, nonce, handshake: handshake.token }),
  });
  const result = await readJson(response);
  if (!response.ok) {
    show('status', `Sign-in refused: ${reason(result)}`, false);
    log(`sign-in refused: ${reason(result)}`);
    return;
  }
  accessToken = String(result.accessToken);
  sessionStorage.setItem('accessToken', accessToken);
  show('status', `Signed in as ${username}. This browser is device ${handshake.deviceId}.`, true);
  log(`signed in; the access token is bound to key thumbprint ${String(result.jkt)}`);
  setSignedIn(true);
}

async function callApi(path: string, init: RequestInit = {}): Promise<void> {
  const response = await api(new URL(path, location.origin), init);
  const result = await readJson(response);
  if (response.ok) {
    show('api-result', JSON.stringify(result, null, 2), true);
    log(`${init.method ?? 'GET'} ${path}: accepted (${response.status})`);
  } else {
    show('api-result', `Refused (${response.status}): ${reason(result)}`, false);
    log(`${init.method ?? 'GET'} ${path}: refused: ${reason(result)}`);
  }
}

async function replay(): Promise<void> {
  if (lastRequest === undefined) return;
  // The exact same request again, proof and body included: the server has seen that proof.
  const response = await fetch(lastRequest.clone());
  const result = await readJson(response);
  // Shown as refused (red), which is what the server must do with a replay.
  show(
    'api-result',
    `Replay ${response.ok ? 'accepted?!' : `refused (${response.status})`}: ${reason(result)}`,
    response.ok,
  );
  log(`replayed the last request: ${response.ok ? 'accepted' : `refused: ${reason(result)}`}`);
}

async function openFile(): Promise<void> {
  const response = await api(new URL('/api/files/welcome.txt', location.origin));
  if (!response.ok) {
    const result = await readJson(response);
    show('file-result', `Refused (${response.status}): ${reason(result)}`, false);
    return;
  }
  const envelope = await response.text();
  log(
    `received an envelope of ${envelope.length} characters (${envelope.split('.').length} JWE parts)`,
  );
  // Only this browser's private encryption key can open it.
  const plaintext = await openEnvelope(binding, envelope);
  show('file-result', new TextDecoder().decode(plaintext), true);
  log('opened the protected file with the device key');
}

async function signOut(): Promise<void> {
  await fetch('/api/sign-out', {
    method: 'POST',
    headers: { authorization: `DPoP ${accessToken ?? ''}` },
  });
  await binding.unbind();
  accessToken = undefined;
  lastRequest = undefined;
  sessionStorage.removeItem('accessToken');
  show('status', 'Signed out; the device keys are deleted.', true);
  log('signed out and deleted the device keys');
  setSignedIn(false);
}

function guarded(action: (event: Event) => Promise<void>): (event: Event) => void {
  return (event) => {
    action(event).catch((err: unknown) => {
      const text = isDeviceBindingError(err) ? `${err.code}: ${err.message}` : String(err);
      log(`error: ${text}`);
      show('status', `Error: ${text}`, false);
    });
  };
}

element('sign-in-form').addEventListener('submit', guarded(signIn));
element('call-api').addEventListener(
  'click',
  guarded(() => callApi('/api/profile')),
);
element('post-note').addEventListener(
  'click',
  guarded(() =>
    callApi('/api/notes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: `Saved at ${new Date().toISOString()}` }),
    }),
  ),
);
element('replay').addEventListener('click', guarded(replay));
element('open-file').addEventListener('click', guarded(openFile));
element('sign-out').addEventListener('click', guarded(signOut));

setSignedIn(accessToken !== undefined);
binding
  .getDeviceId()
  .then((deviceId) => {
    if (accessToken !== undefined && deviceId !== null)
      show('status', `Signed in. This browser is device ${deviceId}.`, true);
  })
  .catch((err: unknown) => log(`could not read the device id: ${String(err)}`))
  .finally(() => {
    document.body.dataset.ready = 'true';
  });
