// A native side that answers from a recording: every answer the bridge simulator gave, keyed
// by method and the call's IV, public key or alias. It does no work of its own, so what a
// benchmark measures around it is the JavaScript side alone (adapter, transport, core): the
// stand-in for native code that decrypts at native speed.

import { decodeBase64url } from '../../src/core/base64url.js';
import type { ReactNativeDevicebindModule } from '../../src/keystores/bridge/react-native.js';

/** Answers by {@link replayKey}, as the JSON text the native module sent. */
export type Recording = Record<string, string>;

/** What identifies a call: its method and the first IV, public key or alias in its params. */
export function replayKey(method: string, params: string): string {
  const head = params.slice(0, 400);
  const found =
    /"iv":"([^"]+)"/.exec(head) ??
    /"publicKey":"([^"]+)"/.exec(head) ??
    /"alias":"([^"]+)"/.exec(head);
  return found === null ? method : `${method}:${found[1]}`;
}

/** How the replayed module answers. */
export interface ReplayOptions {
  /** Advertise `decryptContent` (false: a module from before it; the core decrypts in JS). */
  readonly content: boolean;
  /** Offer the binary channel (plaintexts as bytes, decoded before the run). */
  readonly binary: boolean;
}

/** A React Native module that replays `recording`. */
export function replayedModule(
  recording: Recording,
  options: ReplayOptions,
): ReactNativeDevicebindModule {
  const answers: Recording = { ...recording };
  if (!options.content) {
    const info = JSON.parse(answers.getInfo!) as Record<string, unknown>;
    delete info.contentDecryption;
    answers.getInfo = JSON.stringify(info);
  }
  const answer = (method: string, params: string): string => {
    const text = answers[replayKey(method, params)];
    if (text === undefined)
      throw Object.assign(new Error(`no recorded answer`), { code: 'Replay' });
    return text;
  };
  const module: ReactNativeDevicebindModule = {
    call: async (method, params) => answer(method, params),
  };
  if (!options.binary) return module;
  const plaintexts = new Map<string, ArrayBuffer>();
  for (const [key, text] of Object.entries(answers)) {
    if (!key.startsWith('decryptContent:')) continue;
    const bytes = decodeBase64url((JSON.parse(text) as { plaintext: string }).plaintext);
    plaintexts.set(
      key,
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer,
    );
  }
  return {
    ...module,
    callBytes: async (method, params) => {
      const bytes = plaintexts.get(replayKey(method, params));
      if (bytes === undefined)
        throw Object.assign(new Error('no recorded answer'), { code: 'Replay' });
      return bytes;
    },
  };
}
