// The client core and the Android adapter in React Native's engine: scripts/hermes-run.mjs
// bundles test/hermes/hermes-entry.ts the way Metro does and runs it in the hermes CLI (no
// WebCrypto, no TextEncoder); the handshake and signed request it prints are verified here,
// in Node, with devicebind/server and with jose.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { decodeJwt, EmbeddedJWK, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { DeviceBindingError } from '../../src/core/errors.js';
import { MemoryReplayCache, verifyHandshake, verifyRequest } from '../../src/server/index.js';
import type { HermesRunOutput } from './hermes-entry.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

interface HermesFailure {
  readonly ok: false;
  readonly code?: string;
  readonly message?: string;
  readonly stack?: string;
}

function runHermes(): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/hermes-run.mjs'], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

let output: HermesRunOutput;

beforeAll(async () => {
  const run = await runHermes();
  const lines = run.stdout.trim().split('\n');
  let parsed: HermesRunOutput | HermesFailure;
  try {
    parsed = JSON.parse(lines[lines.length - 1] ?? '') as HermesRunOutput | HermesFailure;
  } catch {
    throw new Error(`hermes printed no result (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  if (!parsed.ok) {
    throw new Error(
      `the program failed inside Hermes: ${parsed.code ?? ''} ${parsed.message ?? ''}\n${parsed.stack ?? ''}`,
    );
  }
  output = parsed;
}, 180_000);

describe('DeviceBinding + AndroidKeyStore inside Hermes', () => {
  it('ran in Hermes, without WebCrypto and without a native TextEncoder', () => {
    expect(output.engine).toBe('hermes');
    expect(output.nativeFeatures).toEqual({ crypto: false, webCrypto: false, textEncoder: false });
    expect(output.securityLevel).toBe('tee');
    expect(output.signatureDerCalls).toBeGreaterThanOrEqual(2);
  });

  it('signs requests without a URL global (Hermes has none; React Native’s lacks protocol, host, pathname)', () => {
    expect(output.withoutUrlGlobalError).toBeUndefined();
    expect(output.signedWithoutUrlGlobal).toBe(true);
  });

  it('its handshake verifies with devicebind/server', async () => {
    const verified = await verifyHandshake(output.handshake, { expectedNonce: output.nonce });
    expect(verified.deviceId).toBe(output.deviceId);
    expect(verified.subject).toBe('hermes-user');
    expect(verified.encryptionKey).toMatchObject({ kty: 'EC', alg: 'ECDH-ES+A256KW' });
  });

  it('its handshake verifies with jose (EmbeddedJWK) and carries the Android attestation chain', async () => {
    const { payload, protectedHeader } = await jwtVerify(output.handshake, EmbeddedJWK, {
      typ: 'devicebind-handshake+jwt',
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload.nonce).toBe(output.nonce);
    const attestation = decodeJwt(output.handshake).attestation as {
      signing: { format: string; x5c: string[] };
    };
    expect(attestation.signing.format).toBe('android-key');
    // Android 12 (API 31) and later: a remotely provisioned chain of five certificates.
    expect(attestation.signing.x5c.length).toBe(5);
  });

  it('its handshake does not verify against another nonce', async () => {
    await expect(
      verifyHandshake(output.handshake, { expectedNonce: 'another' }),
    ).rejects.toMatchObject({
      code: 'INVALID_HANDSHAKE',
    });
  });

  it('its signed request verifies with devicebind/server, once', async () => {
    const { signingKey } = await verifyHandshake(output.handshake, { expectedNonce: output.nonce });
    const { method, url, body, accessToken, headers } = output.request;
    const replayCache = new MemoryReplayCache();
    const result = await verifyRequest(
      { method, url, headers, body },
      { signingKey, accessToken, replayCache },
    );
    expect(result.deviceId).toBe(output.deviceId);
    const again = verifyRequest(
      { method, url, headers, body },
      { signingKey, accessToken, replayCache },
    );
    await expect(again).rejects.toBeInstanceOf(DeviceBindingError);
    await expect(again).rejects.toMatchObject({ code: 'REPLAYED' });
  });

  it('its DPoP proof verifies with jose (EmbeddedJWK)', async () => {
    const { payload } = await jwtVerify(output.request.headers.DPoP!, EmbeddedJWK, {
      typ: 'dpop+jwt',
    });
    expect(payload).toMatchObject({ htm: 'POST', htu: 'https://api.example.com/v1/messages' });
  });

  it('its signed request does not verify with a tampered body', async () => {
    const { signingKey } = await verifyHandshake(output.handshake, { expectedNonce: output.nonce });
    const { method, url, accessToken, headers } = output.request;
    const tampered = verifyRequest(
      { method, url, headers, body: '{"text":"hello from elsewhere"}' },
      { replayCache: new MemoryReplayCache(), signingKey, accessToken },
    );
    await expect(tampered).rejects.toMatchObject({ code: 'INVALID_PROOF' });
  });

  it('sealed and unsealed data at rest through the bridge', () => {
    expect(output.sealedRoundTrip).toBe('kept at rest');
  });
});
