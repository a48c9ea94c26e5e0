// The program the Hermes test runs: DeviceBinding with the pure-JS crypto backend and the
// Android adapter over the bridge simulator, bundled the way Metro does and executed by the
// hermes CLI. It makes a handshake and a signed request and prints them as one JSON line.

import { DeviceBinding } from '../../src/core/device-binding.js';
import { utf8Decode, utf8Encode } from '../../src/core/utf8.js';
import { pureJsCrypto } from '../../src/crypto/pure-js.js';
import { seal, unseal } from '../../src/envelopes.js';
import { AndroidKeyStore } from '../../src/keystores/android/index.js';
import { createBridgeSimulator } from '../../src/testing/bridge-simulator/index.js';
import { installUrlStandIn, nativeFeatures } from './hermes-polyfills.js';

declare const print: (text: string) => void;
declare const HermesInternal: unknown;

/** What the program prints; the Node side of the test verifies it. */
export interface HermesRunOutput {
  readonly ok: true;
  readonly engine: string;
  readonly nativeFeatures: typeof nativeFeatures;
  /** Whether signRequest worked without a `URL` global; if not, why (then it ran with a stand-in). */
  readonly signedWithoutUrlGlobal: boolean;
  readonly withoutUrlGlobalError: string | undefined;
  readonly nonce: string;
  readonly handshake: string;
  readonly deviceId: string;
  readonly request: {
    method: string;
    url: string;
    body: string;
    accessToken: string;
    headers: Record<string, string>;
  };
  readonly sealedRoundTrip: string | undefined;
  readonly securityLevel: string;
  readonly signatureDerCalls: number;
}

const NONCE = 'hermes-nonce-7f3a';
const URL_ = 'https://api.example.com/v1/messages?draft=1';
const BODY = '{"text":"hello from Hermes ✓"}';
const ACCESS_TOKEN = 'at-hermes-123';

function plainHeaders(headers: { [name: string]: string | undefined }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = value;
  return out;
}

async function main(): Promise<HermesRunOutput> {
  const simulator = createBridgeSimulator({ platform: 'android', apiLevel: 31 });
  const keyStore = new AndroidKeyStore(simulator, { prompts: { sign: { title: 'Confirm' } } });
  const binding = new DeviceBinding({
    keyStore,
    namespace: 'com.example.hermes',
    crypto: pureJsCrypto,
  });
  const { signingKey } = await binding.ensureKeys({ attestationChallenge: utf8Encode(NONCE) });
  const handshake = await binding.createHandshake({ nonce: NONCE, subject: 'hermes-user' });
  const request = { method: 'POST', url: URL_, body: BODY, accessToken: ACCESS_TOKEN };
  let headers: Awaited<ReturnType<DeviceBinding['signRequest']>>;
  let withoutUrlGlobalError: string | undefined;
  try {
    headers = await binding.signRequest(request);
  } catch (err) {
    const error = err as { code?: string; message?: string; cause?: { message?: string } };
    withoutUrlGlobalError = `${error.code}: ${error.message} (cause: ${error.cause?.message})`;
    installUrlStandIn();
    headers = await binding.signRequest(request);
  }
  const sealed = await seal(binding, utf8Encode('kept at rest'), { context: 'hermes' });
  const opened = await unseal(binding, sealed, { context: 'hermes' });
  return {
    ok: true,
    engine: typeof HermesInternal === 'object' && HermesInternal !== null ? 'hermes' : 'other',
    nativeFeatures,
    signedWithoutUrlGlobal: withoutUrlGlobalError === undefined,
    withoutUrlGlobalError,
    nonce: NONCE,
    handshake: handshake.token,
    deviceId: handshake.deviceId,
    request: {
      method: 'POST',
      url: URL_,
      body: BODY,
      accessToken: ACCESS_TOKEN,
      headers: plainHeaders(headers),
    },
    sealedRoundTrip: utf8Decode(opened),
    securityLevel: signingKey.securityLevel,
    signatureDerCalls: simulator.calls.filter((call) => call.method === 'sign').length,
  };
}

main().then(
  (output) => print(JSON.stringify(output)),
  (err: unknown) => {
    const error = err as { name?: string; code?: string; message?: string; stack?: string };
    print(
      JSON.stringify({
        ok: false,
        name: error?.name,
        code: error?.code,
        message: error?.message,
        stack: error?.stack,
      }),
    );
  },
);
