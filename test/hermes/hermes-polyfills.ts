// Test-only stand-ins for what a React Native app gets from polyfill packages: Hermes has no
// crypto.getRandomValues and no TextEncoder (noble's UTF-8 helper needs one). Randomness is a
// SHA-256 counter-mode generator over a seed the Node side injects (DEVICEBIND_HERMES_SEED).

import { sha256 } from '@noble/hashes/sha2.js';

declare const DEVICEBIND_HERMES_SEED: string;

const seed = Uint8Array.from(DEVICEBIND_HERMES_SEED.match(/../g) ?? [], (byte) =>
  Number.parseInt(byte, 16),
);
if (seed.length !== 32) throw new Error('DEVICEBIND_HERMES_SEED must be 32 bytes of hex');
let counter = 0;

function getRandomValues<T extends ArrayBufferView | null>(array: T): T {
  if (array === null) return array;
  const out = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  for (let offset = 0; offset < out.length; offset += 32) {
    const block = new Uint8Array(36);
    block.set(seed);
    new DataView(block.buffer).setUint32(32, counter++);
    out.set(sha256(block).subarray(0, Math.min(32, out.length - offset)), offset);
  }
  return array;
}

function encodeUtf8(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const char of text) {
    const c = char.codePointAt(0) ?? 0xfffd;
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else
      bytes.push(
        0xf0 | (c >> 18),
        0x80 | ((c >> 12) & 63),
        0x80 | ((c >> 6) & 63),
        0x80 | (c & 63),
      );
  }
  return Uint8Array.from(bytes);
}

const scope = globalThis as {
  crypto?: { subtle?: unknown; getRandomValues?: unknown };
  TextEncoder?: unknown;
};

/** What the engine had before the polyfills went in. */
export const nativeFeatures = {
  crypto: scope.crypto !== undefined,
  webCrypto: typeof scope.crypto?.subtle === 'object',
  textEncoder: scope.TextEncoder !== undefined,
};

if (scope.crypto === undefined) scope.crypto = { getRandomValues };
if (scope.TextEncoder === undefined) {
  scope.TextEncoder = function TextEncoder() {
    return { encoding: 'utf-8', encode: (text = '') => encodeUtf8(String(text)) };
  };
}

/**
 * A stand-in for the WHATWG `URL` global (what `react-native-url-polyfill` gives an app),
 * installed only when the core turns out to need it: Hermes has no `URL`, and React
 * Native's own lacks `protocol`, `host` and `pathname`. Absolute http(s) URLs only.
 */
export function installUrlStandIn(): void {
  class UrlStandIn {
    readonly href: string;
    readonly protocol: string;
    readonly host: string;
    readonly pathname: string;
    readonly origin: string;

    constructor(input: string) {
      const match = /^([a-z][a-z0-9+.-]*:)\/\/([^/?#]*)([^?#]*)/i.exec(String(input));
      if (match === null) throw new TypeError('Invalid URL');
      const protocol = match[1]!.toLowerCase();
      const defaultPort = protocol === 'https:' ? ':443' : protocol === 'http:' ? ':80' : '';
      const host = match[2]!.toLowerCase();
      this.href = String(input);
      this.protocol = protocol;
      this.host =
        host.endsWith(defaultPort) && defaultPort !== ''
          ? host.slice(0, -defaultPort.length)
          : host;
      this.pathname = match[3] === '' ? '/' : match[3]!;
      this.origin = `${this.protocol}//${this.host}`;
    }
  }
  (globalThis as { URL?: unknown }).URL = UrlStandIn;
}
