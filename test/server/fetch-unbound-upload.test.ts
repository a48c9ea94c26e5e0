// The two halves of an unbound upload: createFetch({ unboundStreams: true }) sends a stream
// outside the proof, and verifyRequest accepts it only where bodyBinding is 'optional'.

import { describe, expect, it } from 'vitest';
import { createFetch } from '../../src/fetch.js';
import { DeviceBinding } from '../../src/index.js';
import { MemoryKeyStore } from '../../src/keystores/memory/index.js';
import { verifyRequest } from '../../src/server/index.js';

describe('an unbound stream upload', () => {
  it("verifies with bodyBinding: 'optional', and only so", async () => {
    const binding = new DeviceBinding({
      keyStore: new MemoryKeyStore(),
      namespace: 'com.example.up',
    });
    const { signingKey } = await binding.createHandshake({ nonce: 'n-1' });
    const received: Request[] = [];
    const upload = createFetch(binding, {
      fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
        received.push(new Request(input, init));
        return new Response('stored');
      }) as typeof fetch,
      accessToken: 'at',
      unboundStreams: true,
    });
    await upload('https://api.example.com/media', {
      method: 'POST',
      body: new Blob(['a large upload']).stream(),
      duplex: 'half',
    } as RequestInit);
    const options = { signingKey, accessToken: 'at', replayCache: false } as const;
    const verified = await verifyRequest(received[0]!.clone(), {
      ...options,
      bodyBinding: 'optional',
    });
    expect(verified.claims).not.toHaveProperty('content_digest');
    await expect(verifyRequest(received[0]!, options)).rejects.toMatchObject({
      code: 'INVALID_PROOF',
    });
  });
});
