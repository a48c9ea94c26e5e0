// Browser-mode commands: code running in Chromium hands its handshake tokens and signed
// requests to these functions, which run in Node and check them with the server module, or
// asks them to seal envelopes and streams for its device.

import { fileURLToPath } from 'node:url';
import type { BrowserCommand, BrowserCommandContext } from 'vitest/node';
import { patternBytes } from '../browser/shared/pattern-bytes.js';

/** What a command reports back to the page: a JSON result, or the error's code and message. */
export type ServerOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; code: string; message: string };

/** A request as the page saw it, in JSON-safe form. */
export interface RequestForServer {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** `verifyRequest` options in JSON-safe form. */
export interface VerifyRequestOptionsForServer {
  signingKey: unknown;
  accessToken?: string;
  expectedNonce?: string;
  /** Shares one replay cache across calls that pass the same name (else each call gets its own). */
  replayCacheName?: string;
}

type ServerModule = typeof import('../../src/server/index.js');
type PublicJwk = import('../../src/server/index.js').PublicJwk;

const serverPath = fileURLToPath(new URL('../../src/server/index.ts', import.meta.url));
const replayCaches = new Map<string, InstanceType<ServerModule['MemoryReplayCache']>>();

function loadServer(context: BrowserCommandContext): Promise<ServerModule> {
  // Loaded through the project's module runner, on first use, so the TypeScript sources run
  // as they are and a missing server module fails only the tests that need it.
  return context.project.import<ServerModule>(serverPath);
}

async function outcome<T>(run: () => Promise<T>): Promise<ServerOutcome<T>> {
  try {
    return { ok: true, value: JSON.parse(JSON.stringify(await run())) as T };
  } catch (err) {
    const error = err as { code?: unknown; message?: unknown };
    return {
      ok: false,
      code: typeof error.code === 'string' ? error.code : 'NOT_A_DEVICEBIND_ERROR',
      message: String(error.message ?? err),
    };
  }
}

const verifyHandshakeOnServer: BrowserCommand<[token: string, nonce: string]> = async (
  context,
  token,
  nonce,
) => {
  const server = await loadServer(context);
  return outcome(() => server.verifyHandshake(token, { expectedNonce: nonce }));
};

const verifyRequestOnServer: BrowserCommand<
  [request: RequestForServer, options: VerifyRequestOptionsForServer]
> = async (context, request, options) => {
  const server = await loadServer(context);
  const { replayCacheName, signingKey, ...rest } = options;
  let replayCache = replayCacheName === undefined ? undefined : replayCaches.get(replayCacheName);
  if (replayCacheName !== undefined && replayCache === undefined) {
    replayCache = new server.MemoryReplayCache();
    replayCaches.set(replayCacheName, replayCache);
  }
  const verifyOptions = {
    ...rest,
    signingKey: signingKey as PublicJwk,
    replayCache: replayCache ?? new server.MemoryReplayCache(),
  };
  return outcome(() => server.verifyRequest(request, verifyOptions));
};

const sealEnvelopeOnServer: BrowserCommand<
  [plaintext: string, encryptionKey: unknown, aad?: string]
> = async (context, plaintext, encryptionKey, aad) => {
  const server = await loadServer(context);
  const encode = (text: string) => new TextEncoder().encode(text);
  return outcome(() =>
    server.sealEnvelope(
      encode(plaintext),
      encryptionKey as PublicJwk,
      aad === undefined ? {} : { aad: encode(aad) },
    ),
  );
};

const sealPatternEnvelopeOnServer: BrowserCommand<
  [length: number, encryptionKey: unknown]
> = async (context, length, encryptionKey) => {
  const server = await loadServer(context);
  // Made here rather than sent from the page, so megabytes cross only once, as the envelope.
  return outcome(() => server.sealEnvelope(patternBytes(length), encryptionKey as PublicJwk));
};

const sealEnvelopeStreamOnServer: BrowserCommand<[length: number, encryptionKey: unknown]> = async (
  context,
  length,
  encryptionKey,
) => {
  const server = await loadServer(context);
  return outcome(async () => {
    const data = patternBytes(length);
    // Fed in uneven chunks, as a file read from disk or the network would arrive.
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < data.length; i += 10_007)
          controller.enqueue(data.subarray(i, i + 10_007));
        controller.close();
      },
    });
    const sealed = new Uint8Array(
      await new Response(
        server.sealEnvelopeStream(source, encryptionKey as PublicJwk),
      ).arrayBuffer(),
    );
    return Buffer.from(sealed).toString('base64');
  });
};

const verifyRotationOnServer: BrowserCommand<
  [token: string, current: unknown, nonce: string]
> = async (context, token, current, nonce) => {
  const server = await loadServer(context);
  return outcome(() =>
    server.verifyRotation(token, {
      current: current as PublicJwk,
      expectedNonce: nonce,
      replayCache: new server.MemoryReplayCache(),
      isBound: () => false,
    }),
  );
};

/** The commands the browser project registers (see vitest.config.ts). */
export const serverCommands = {
  verifyHandshakeOnServer,
  verifyRequestOnServer,
  sealEnvelopeOnServer,
  sealPatternEnvelopeOnServer,
  sealEnvelopeStreamOnServer,
  verifyRotationOnServer,
};
