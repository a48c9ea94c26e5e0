// Runs inside Hermes (React Native's engine) for pure-js-hermes.test.ts: exercises the
// pure-JS backend there and prints the results as JSON for Node to check. Hermes has no
// TextEncoder and no crypto; a stand-in getRandomValues is installed part-way through.

import { pureJsCrypto as backend } from '../../../src/crypto/pure-js.js';

declare const print: (line: string) => void;
declare const HERMES_INPUT: string;

interface Input {
  ecPeer: { x: string; y: string };
  rsa: { n: string; e: string };
}

const input = JSON.parse(HERMES_INPUT) as Input;
const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const bytes = (length: number, fill: number) => new Uint8Array(length).fill(fill);

function codeOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : String(err);
}

// Deterministic and NOT secure: enough to run the code paths in this test only.
function installTestRandom(): void {
  let state = 0x2545f491;
  const getRandomValues = (array: Uint8Array) => {
    for (let i = 0; i < array.length; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      array[i] = state & 255;
    }
    return array;
  };
  (globalThis as { crypto?: unknown }).crypto = { getRandomValues };
}

async function main(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  out.textEncoder = typeof (globalThis as { TextEncoder?: unknown }).TextEncoder;
  out.cryptoBefore = typeof (globalThis as { crypto?: unknown }).crypto;
  try {
    backend.randomBytes(8);
    out.noRandom = 'no error';
  } catch (err) {
    out.noRandom = codeOf(err);
  }
  installTestRandom();
  out.sha256 = hex(await backend.sha256(bytes(3, 0x61)));
  out.hkdf = hex(await backend.hkdfSha256(bytes(22, 0x0b), bytes(13, 1), bytes(10, 2), 42));
  const gcmKey = await backend.importAesGcmKey(bytes(32, 1));
  const sealed = await backend.aesGcmEncrypt(gcmKey, bytes(12, 2), bytes(5, 0x68), bytes(1, 1));
  out.gcm = hex(sealed);
  sealed[0] = sealed[0]! ^ 1;
  try {
    await backend.aesGcmDecrypt(gcmKey, bytes(12, 2), sealed, bytes(1, 1));
    out.gcmTampered = 'opened';
  } catch (err) {
    out.gcmTampered = codeOf(err);
  }
  out.kw = hex(await backend.aesKeyWrap(bytes(16, 3), bytes(32, 4)));
  const ecdh = await backend.ecdhEphemeral({ kty: 'EC', crv: 'P-256', ...input.ecPeer });
  out.ecdhX = ecdh.ephemeralPublicKey.x;
  out.ecdhY = ecdh.ephemeralPublicKey.y;
  out.ecdhZ = hex(ecdh.sharedSecret);
  const rsa = { kty: 'RSA' as const, ...input.rsa };
  out.rsa256 = hex(await backend.rsaOaepEncrypt(rsa, 'SHA-256', bytes(32, 5)));
  out.rsa1 = hex(await backend.rsaOaepEncrypt(rsa, 'SHA-1', bytes(32, 6)));
  return out;
}

main().then(
  (out) => print(JSON.stringify(out)),
  (err) => print(JSON.stringify({ error: String(err) })),
);
