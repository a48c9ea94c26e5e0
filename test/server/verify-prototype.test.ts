// A member named `__proto__` in a handshake or proof must never become the prototype of the
// claims the verifiers return (hidden claims such as `role: "admin"`, a `toString` that
// throws): such tokens are refused, and `constructor` / `prototype` stay plain data.

import { describe, expect, it } from 'vitest';
import { MemoryReplayCache } from '../../src/server/replay-cache.js';
import { verifyHandshake } from '../../src/server/verify-handshake.js';
import { verifyRequest } from '../../src/server/verify-request.js';
import { newEncryptionKey } from './helpers/handshakes.js';
import {
  makeProof,
  newKey,
  nowSeconds,
  randomJti,
  requestWith,
  signJws,
} from './helpers/proofs.js';
import { rejects } from './helpers/rejects.js';

const URL = 'https://api.example.com/v1/items';
const key = await newKey();
const encryptionKey = await newEncryptionKey();
const { calculateJwkThumbprint } = await import('jose');
const deviceId = await calculateJwkThumbprint(key.publicJwk);
const HIDDEN = '{"role":"admin","toString":1}';

/** A handshake whose payload is `members` (raw JSON text) after the required claims. */
async function handshakeWith(members: string): Promise<string> {
  const required = JSON.stringify({
    nonce: 'n',
    iat: nowSeconds(),
    jti: randomJti(),
    device_id: deviceId,
    encryption_key: encryptionKey,
  });
  const payload = `${required.slice(0, -1)},${members}}`;
  const header = { alg: 'ES256', typ: 'devicebind-handshake+jwt', jwk: key.publicJwk };
  return signJws(key, header, undefined, {
    rawPayload: Buffer.from(payload).toString('base64url'),
  });
}

/** A proof whose payload is `members` (raw JSON text) after the required claims. */
async function proofWith(members: string): Promise<string> {
  const required = JSON.stringify({ jti: randomJti(), htm: 'GET', htu: URL, iat: nowSeconds() });
  const payload = `${required.slice(0, -1)},${members}}`;
  return signJws(key, { typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicJwk }, undefined, {
    rawPayload: Buffer.from(payload).toString('base64url'),
  });
}

const verifyProof = async (proof: string) =>
  verifyRequest(await requestWith(proof), {
    signingKey: key.publicJwk,
    replayCache: new MemoryReplayCache(),
  });

describe('verifyHandshake and prototype members', () => {
  it.each([
    ['at the top of the payload', `"__proto__":${HIDDEN}`],
    ['inside an app claim', `"profile":{"__proto__":${HIDDEN}}`],
    ['inside an array claim', `"groups":[{"__proto__":${HIDDEN}}]`],
    ['spelled with a JSON escape', `"\\u005f_proto__":${HIDDEN}`],
  ])('refuses a "__proto__" member %s', async (_, members) => {
    await rejects(
      verifyHandshake(await handshakeWith(members), { expectedNonce: 'n' }),
      'INVALID_HANDSHAKE',
      {
        claim: '__proto__',
        reason: 'malformed',
      },
    );
  });

  it('refuses a "__proto__" member in the header', async () => {
    const header = `{"alg":"ES256","typ":"devicebind-handshake+jwt","jwk":${JSON.stringify(key.publicJwk)},"__proto__":{"kid":"x"}}`;
    const token = await signJws(
      key,
      {},
      { nonce: 'n' },
      {
        rawHeader: Buffer.from(header).toString('base64url'),
      },
    );
    await rejects(verifyHandshake(token, { expectedNonce: 'n' }), 'INVALID_HANDSHAKE', {
      claim: '__proto__',
    });
  });

  it('returns "constructor" and "prototype" members as plain own claims', async () => {
    const { claims } = await verifyHandshake(
      await handshakeWith(`"constructor":${HIDDEN},"prototype":{"role":"admin"}`),
      { expectedNonce: 'n' },
    );
    expect(Object.getPrototypeOf(claims)).toBe(Object.prototype);
    expect(Object.keys(claims).sort()).toEqual(['constructor', 'prototype']);
    expect(claims.constructor).toEqual({ role: 'admin', toString: 1 });
    expect((claims as { role?: unknown }).role).toBeUndefined();
    // Copying the claims the usual ways pollutes nothing.
    const copy = Object.assign({}, claims, { ...claims });
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(({} as { role?: unknown }).role).toBeUndefined();
    expect(String(copy)).toBe('[object Object]');
  });
});

describe('verifyRequest and prototype members', () => {
  it.each([
    ['at the top of the payload', `"__proto__":${HIDDEN}`],
    ['inside a claim', `"cnf":{"__proto__":${HIDDEN}}`],
    ['spelled with a JSON escape', `"__pro\\u0074o__":${HIDDEN}`],
  ])('refuses a "__proto__" member %s', async (_, members) => {
    await rejects(verifyProof(await proofWith(members)), 'INVALID_PROOF', {
      claim: '__proto__',
      reason: 'malformed',
    });
  });

  it('refuses a "__proto__" member in the proof header', async () => {
    const header = `{"typ":"dpop+jwt","alg":"ES256","jwk":${JSON.stringify(key.publicJwk)},"__proto__":{"crit":["x"]}}`;
    const proof = await signJws(
      key,
      {},
      { jti: randomJti(), htm: 'GET', htu: URL, iat: nowSeconds() },
      { rawHeader: Buffer.from(header).toString('base64url') },
    );
    await rejects(verifyProof(proof), 'INVALID_PROOF', { claim: '__proto__' });
  });

  it('returns "constructor" and "prototype" members as plain own claims', async () => {
    const { claims } = await verifyProof(
      await proofWith(`"constructor":${HIDDEN},"prototype":{"role":"admin"}`),
    );
    expect(Object.getPrototypeOf(claims)).toBe(Object.prototype);
    expect(claims.constructor).toEqual({ role: 'admin', toString: 1 });
    expect((claims as { role?: unknown }).role).toBeUndefined();
    expect(String({ ...claims })).toBe('[object Object]');
  });

  it('accepts an ordinary proof whose claims merely mention "proto" in a value', async () => {
    await expect(
      verifyProof(await makeProof(key, { claims: { note: '__proto__ prototype' } })),
    ).resolves.toBeTruthy();
  });
});

describe('the check walks deep payloads without overflowing the stack', () => {
  it('refuses a __proto__ nested 2,000 levels deep, as INVALID_HANDSHAKE', async () => {
    const deep = `"deep":${'{"a":'.repeat(2000)}{"__proto__":{}}${'}'.repeat(2000)}`;
    await rejects(
      verifyHandshake(await handshakeWith(deep), { expectedNonce: 'n' }),
      'INVALID_HANDSHAKE',
      {
        claim: '__proto__',
      },
    );
  });
});
