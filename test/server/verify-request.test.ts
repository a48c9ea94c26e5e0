import { describe, expect, it } from 'vitest';
import { encodeBase64url } from '../../src/core/base64url.js';
import { createNonceIssuer } from '../../src/server/nonce-issuer.js';
import { MemoryReplayCache } from '../../src/server/replay-cache.js';
import {
  type VerifyRequestCommonOptions,
  type VerifyRequestOptions,
  verifyRequest,
} from '../../src/server/verify-request.js';
import { newRsaEncryptionKey } from './helpers/handshakes.js';
import {
  b64json,
  digestOf,
  makeProof,
  newKey,
  nowSeconds,
  privateJwkOf,
  requestWith,
  signJws,
  type TestKey,
} from './helpers/proofs.js';
import { rejects } from './helpers/rejects.js';

const URL = 'https://api.example.com/v1/items';
const key = await newKey();
const otherKey = await newKey();

function options(
  extra: Partial<VerifyRequestCommonOptions> = {},
  bound: TestKey = key,
): VerifyRequestOptions {
  return { signingKey: bound.publicJwk, replayCache: new MemoryReplayCache(), ...extra };
}

describe('verifyRequest accepts', () => {
  it('a GET proof and returns the device id and claims', async () => {
    const proof = await makeProof(key);
    const result = await verifyRequest(await requestWith(proof), options());
    const thumbprint = await import('jose').then((jose) =>
      jose.calculateJwkThumbprint(key.publicJwk),
    );
    expect(result.deviceId).toBe(thumbprint);
    expect(result.claims.htm).toBe('GET');
    expect(result.claims.htu).toBe(URL);
  });

  it('a POST proof whose content_digest covers a string body', async () => {
    const body = '{"name":"widget"}';
    const proof = await makeProof(key, { method: 'POST', body });
    const result = await verifyRequest(
      await requestWith(proof, { method: 'POST', body }),
      options(),
    );
    expect(result.claims.content_digest).toBe(await digestOf(body));
  });

  it('a body given as bytes, without a Content-Digest header', async () => {
    const body = new Uint8Array([0, 1, 2, 255]);
    const proof = await makeProof(key, { method: 'PUT', body });
    await expect(
      verifyRequest({ method: 'PUT', url: URL, headers: { DPoP: proof }, body }, options()),
    ).resolves.toBeTruthy();
  });

  it('an empty body without a digest claim (a framework passing "" for GET)', async () => {
    const proof = await makeProof(key);
    await expect(
      verifyRequest({ ...(await requestWith(proof)), body: '' }, options()),
    ).resolves.toBeTruthy();
  });

  it('headers as a Fetch Headers object', async () => {
    const proof = await makeProof(key);
    const headers = new Headers({ DPoP: proof });
    await expect(
      verifyRequest({ method: 'GET', url: URL, headers }, options()),
    ).resolves.toBeTruthy();
  });

  it('header names in any case in a plain object', async () => {
    const proof = await makeProof(key);
    await expect(
      verifyRequest({ method: 'GET', url: URL, headers: { DpOp: proof } }, options()),
    ).resolves.toBeTruthy();
  });

  it('an Ed25519 key', async () => {
    const edKey = await newKey('EdDSA');
    const proof = await makeProof(edKey);
    await expect(verifyRequest(await requestWith(proof), options({}, edKey))).resolves.toBeTruthy();
  });

  it.each([
    ['"Ed25519" in the header', { alg: 'Ed25519', jwk: undefined }],
    ['"Ed25519" in the jwk under "EdDSA"', { alg: 'EdDSA', jwk: 'Ed25519' }],
  ])('an Ed25519 key named %s', async (_, names) => {
    const edKey = await newKey('EdDSA');
    const jwk = names.jwk === undefined ? edKey.publicJwk : { ...edKey.publicJwk, alg: names.jwk };
    const proof = await makeProof(edKey, { header: { alg: names.alg, jwk } });
    await expect(verifyRequest(await requestWith(proof), options({}, edKey))).resolves.toBeTruthy();
  });

  it('a proof with an access token hash matching the presented token', async () => {
    const proof = await makeProof(key, { accessToken: 'token-123' });
    await expect(
      verifyRequest(await requestWith(proof), options({ accessToken: 'token-123' })),
    ).resolves.toBeTruthy();
  });

  it.each([
    ['upper-case scheme and host', 'HTTPS://API.EXAMPLE.COM/v1/items'],
    ['the default port', 'https://api.example.com:443/v1/items'],
    ['a query and fragment', 'https://api.example.com/v1/items?page=2#top'],
    ['percent-encoded unreserved characters', 'https://api.example.com/v1/%69tems'],
    ['lower-case percent-encoding hex', 'https://api.example.com/v1/items%2fx'],
  ])('an htu that differs from the request URL only by %s', async (_, htu) => {
    const url = htu.includes('%2f') ? 'https://api.example.com/v1/items%2Fx' : URL;
    const proof = await makeProof(key, { url: htu });
    await expect(verifyRequest(await requestWith(proof, { url }), options())).resolves.toBeTruthy();
  });

  it('an empty path as "/"', async () => {
    const proof = await makeProof(key, { url: 'https://api.example.com' });
    await expect(
      verifyRequest(await requestWith(proof, { url: 'https://api.example.com/' }), options()),
    ).resolves.toBeTruthy();
  });

  it('a required nonce given as a string, a function and an issuer', async () => {
    const issuer = createNonceIssuer({ secret: new Uint8Array(32).fill(7) });
    const nonce = issuer.issue();
    for (const expected of [nonce, (n: string) => n === nonce, issuer]) {
      const proof = await makeProof(key, { nonce });
      await expect(
        verifyRequest(await requestWith(proof), options({ expectedNonce: expected })),
      ).resolves.toBeTruthy();
    }
  });

  it('a proof within the clock tolerance in the future', async () => {
    const proof = await makeProof(key, { iat: nowSeconds() + 4 });
    await expect(verifyRequest(await requestWith(proof), options())).resolves.toBeTruthy();
  });

  it('500 concurrent proofs, each once, with a replay cache', async () => {
    const replayCache = new MemoryReplayCache();
    const requests = await Promise.all(
      Array.from({ length: 500 }, async (_, i) =>
        requestWith(await makeProof(key, { url: `${URL}/${i}` }), { url: `${URL}/${i}` }),
      ),
    );
    const results = await Promise.all(
      requests.map((request) => verifyRequest(request, options({ replayCache }))),
    );
    expect(new Set(results.map((r) => r.claims.jti)).size).toBe(500);
    expect(replayCache.size).toBe(500);
  });
});

describe('verifyRequest refuses', () => {
  it('a forged signature (one bit flipped)', async () => {
    const proof = await makeProof(key);
    const [h, p, s] = proof.split('.') as [string, string, string];
    const sig = Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
      c.charCodeAt(0),
    );
    sig[10]! ^= 1;
    const forged = `${h}.${p}.${encodeBase64url(sig)}`;
    await rejects(verifyRequest(await requestWith(forged), options()), 'INVALID_PROOF');
  });

  it('a proof naming the bound key but signed with another key', async () => {
    const proof = await makeProof(otherKey, { header: { jwk: key.publicJwk, alg: 'ES256' } });
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });

  it('a tampered payload under the original signature', async () => {
    const proof = await makeProof(key);
    const [h, , s] = proof.split('.');
    const tampered = `${h}.${b64json({ jti: 'x', htm: 'GET', htu: URL, iat: nowSeconds() })}.${s}`;
    await rejects(verifyRequest(await requestWith(tampered), options()), 'INVALID_PROOF');
  });

  it('a replayed jti', async () => {
    const replayCache = new MemoryReplayCache();
    const request = await requestWith(await makeProof(key));
    await verifyRequest(request, options({ replayCache }));
    const err = await rejects(verifyRequest(request, options({ replayCache })), 'REPLAYED');
    expect(err.message).not.toContain(request.headers.dpop);
  });

  it('a reused jti in a new proof from the same key', async () => {
    const replayCache = new MemoryReplayCache();
    await verifyRequest(
      await requestWith(await makeProof(key, { jti: 'same-id' })),
      options({ replayCache }),
    );
    await rejects(
      verifyRequest(
        await requestWith(await makeProof(key, { jti: 'same-id' })),
        options({ replayCache }),
      ),
      'REPLAYED',
    );
  });

  it('a stale iat', async () => {
    const proof = await makeProof(key, { iat: nowSeconds() - 301 });
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });

  it('a stale iat under a shorter maxAgeSeconds', async () => {
    const proof = await makeProof(key, { iat: nowSeconds() - 61 });
    await rejects(
      verifyRequest(await requestWith(proof), options({ maxAgeSeconds: 60 })),
      'INVALID_PROOF',
    );
  });

  it('a future iat', async () => {
    const proof = await makeProof(key, { iat: nowSeconds() + 30 });
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });

  it('a non-numeric iat', async () => {
    const proof = await makeProof(key, { claims: { iat: String(nowSeconds()) } });
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });

  it('another htm', async () => {
    const proof = await makeProof(key, { method: 'GET' });
    await rejects(
      verifyRequest(await requestWith(proof, { method: 'DELETE' }), options()),
      'INVALID_PROOF',
    );
  });

  it('an htm in another case', async () => {
    const proof = await makeProof(key, { method: 'get' });
    await rejects(
      verifyRequest(await requestWith(proof, { method: 'GET' }), options()),
      'INVALID_PROOF',
    );
  });

  it('another htu host', async () => {
    const proof = await makeProof(key, { url: 'https://evil.example.com/v1/items' });
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });

  it('another htu path', async () => {
    const proof = await makeProof(key, { url: 'https://api.example.com/v1/admin' });
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });

  it('another htu scheme', async () => {
    const proof = await makeProof(key, { url: 'http://api.example.com/v1/items' });
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });

  it('another htu port', async () => {
    const proof = await makeProof(key, { url: 'https://api.example.com:8443/v1/items' });
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });

  it('an htu with userinfo', async () => {
    const proof = await makeProof(key, { url: 'https://user@api.example.com/v1/items' });
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });

  it('an htu that is not an http(s) URL', async () => {
    const proof = await makeProof(key, { url: 'ftp://api.example.com/v1/items' });
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });

  it('a changed body (re-bodied request)', async () => {
    const proof = await makeProof(key, { method: 'POST', body: 'amount=10' });
    const request = await requestWith(proof, { method: 'POST', body: 'amount=10' });
    await rejects(verifyRequest({ ...request, body: 'amount=10000' }, options()), 'INVALID_PROOF');
  });

  it('a changed body with a Content-Digest header recomputed for it', async () => {
    const proof = await makeProof(key, { method: 'POST', body: 'amount=10' });
    const request = await requestWith(proof, { method: 'POST', body: 'amount=10000' });
    await rejects(verifyRequest(request, options()), 'INVALID_PROOF');
  });

  it('a changed Content-Digest header', async () => {
    const proof = await makeProof(key, { method: 'POST', body: 'amount=10' });
    const request = await requestWith(proof, { method: 'POST', body: 'amount=10' });
    request.headers['content-digest'] = await digestOf('other');
    await rejects(verifyRequest(request, options()), 'INVALID_PROOF');
  });

  it('a body whose proof has no content_digest claim (claim removed)', async () => {
    const proof = await makeProof(key, { method: 'POST' });
    await rejects(
      verifyRequest(
        { method: 'POST', url: URL, headers: { dpop: proof }, body: 'amount=10' },
        options(),
      ),
      'INVALID_PROOF',
    );
  });

  it('a Content-Digest header the proof does not cover', async () => {
    const proof = await makeProof(key, { method: 'POST' });
    const request = await requestWith(proof, { method: 'POST', body: 'amount=10' });
    await rejects(verifyRequest(request, options()), 'INVALID_PROOF');
  });

  it('a content_digest claim when no body is given', async () => {
    const proof = await makeProof(key, { method: 'POST', body: 'amount=10' });
    await rejects(
      verifyRequest({ method: 'POST', url: URL, headers: { dpop: proof } }, options()),
      'INVALID_PROOF',
    );
  });

  it('two Content-Digest headers', async () => {
    const body = 'amount=10';
    const proof = await makeProof(key, { method: 'POST', body });
    const digest = await digestOf(body);
    const request = {
      method: 'POST',
      url: URL,
      body,
      headers: { dpop: proof, 'content-digest': [digest, digest] },
    };
    await rejects(verifyRequest(request, options()), 'INVALID_PROOF');
  });

  it('a wrong access token', async () => {
    const proof = await makeProof(key, { accessToken: 'token-123' });
    await rejects(
      verifyRequest(await requestWith(proof), options({ accessToken: 'token-456' })),
      'INVALID_PROOF',
    );
  });

  it('a missing ath when an access token is presented', async () => {
    const proof = await makeProof(key);
    await rejects(
      verifyRequest(await requestWith(proof), options({ accessToken: 'token-123' })),
      'INVALID_PROOF',
    );
  });

  it('an ath without an access token', async () => {
    const proof = await makeProof(key, { accessToken: 'token-123' });
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });

  it('alg "none" (INVALID_PROOF: an unsigned token proves nothing)', async () => {
    const unsigned = `${b64json({ typ: 'dpop+jwt', alg: 'none', jwk: key.publicJwk })}.${b64json({ jti: 'a', htm: 'GET', htu: URL, iat: nowSeconds() })}.`;
    await rejects(verifyRequest(await requestWith(unsigned), options()), 'INVALID_PROOF');
    const withJunkSignature = `${unsigned}AAAA`;
    await rejects(verifyRequest(await requestWith(withJunkSignature), options()), 'INVALID_PROOF');
  });

  it('HS256 with the public key as the HMAC secret (UNSUPPORTED_ALGORITHM)', async () => {
    const header = b64json({ typ: 'dpop+jwt', alg: 'HS256', jwk: key.publicJwk });
    const payload = b64json({ jti: 'a', htm: 'GET', htu: URL, iat: nowSeconds() });
    const secret = new TextEncoder().encode(JSON.stringify(key.publicJwk));
    const hmacKey = await crypto.subtle.importKey(
      'raw',
      secret,
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const mac = new Uint8Array(
      await crypto.subtle.sign('HMAC', hmacKey, new TextEncoder().encode(`${header}.${payload}`)),
    );
    const token = `${header}.${payload}.${encodeBase64url(mac)}`;
    await rejects(verifyRequest(await requestWith(token), options()), 'UNSUPPORTED_ALGORITHM');
  });

  it('RS256 with an RSA key (UNSUPPORTED_ALGORITHM)', async () => {
    const pair = (await crypto.subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const { n, e } = await crypto.subtle.exportKey('jwk', pair.publicKey);
    const header = b64json({ typ: 'dpop+jwt', alg: 'RS256', jwk: { kty: 'RSA', n, e } });
    const payload = b64json({ jti: 'a', htm: 'GET', htu: URL, iat: nowSeconds() });
    const sig = new Uint8Array(
      await crypto.subtle.sign(
        'RSASSA-PKCS1-v1_5',
        pair.privateKey,
        new TextEncoder().encode(`${header}.${payload}`),
      ),
    );
    await rejects(
      verifyRequest(await requestWith(`${header}.${payload}.${encodeBase64url(sig)}`), options()),
      'UNSUPPORTED_ALGORITHM',
    );
  });

  it('an unknown alg (UNSUPPORTED_ALGORITHM)', async () => {
    const proof = await makeProof(key, { header: { alg: 'ES256K' } });
    await rejects(verifyRequest(await requestWith(proof), options()), 'UNSUPPORTED_ALGORITHM');
  });

  it('an alg that does not match the key (EdDSA over a P-256 key)', async () => {
    const proof = await makeProof(key, { header: { alg: 'EdDSA' } });
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });

  it('a missing alg', async () => {
    const proof = await makeProof(key, { header: { alg: undefined } });
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });

  it('a wrong typ', async () => {
    const proof = await makeProof(key, { header: { typ: 'JWT' } });
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });

  it('a handshake token used as a proof (typ devicebind-handshake+jwt)', async () => {
    const proof = await makeProof(key, { header: { typ: 'devicebind-handshake+jwt' } });
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });

  it('a jwk with its private part', async () => {
    const proof = await makeProof(key, { header: { jwk: await privateJwkOf(key) } });
    const err = await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
    expect(err.message).not.toMatch(/"d"/);
  });

  it('a jwk that is not the bound key', async () => {
    const proof = await makeProof(otherKey);
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });

  it('a missing jwk (key by kid only)', async () => {
    const proof = await makeProof(key, { header: { jwk: undefined, kid: 'device-1' } });
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });

  it.each(['jku', 'x5u', 'x5c'])('a key reference through %s', async (member) => {
    const value = member === 'x5c' ? ['MIIB'] : 'https://evil.example.com/keys';
    const proof = await makeProof(key, { header: { [member]: value } });
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });

  it('a crit header', async () => {
    const proof = await makeProof(key, { header: { crit: ['exp'] } });
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });

  it('a missing nonce when one is required (NONCE_REQUIRED)', async () => {
    const proof = await makeProof(key);
    await rejects(
      verifyRequest(await requestWith(proof), options({ expectedNonce: 'n-1' })),
      'NONCE_REQUIRED',
    );
  });

  it('a wrong nonce (NONCE_REQUIRED)', async () => {
    const proof = await makeProof(key, { nonce: 'n-2' });
    await rejects(
      verifyRequest(await requestWith(proof), options({ expectedNonce: 'n-1' })),
      'NONCE_REQUIRED',
    );
  });

  it('a nonce the checking function refuses (NONCE_REQUIRED)', async () => {
    const proof = await makeProof(key, { nonce: 'n-2' });
    await rejects(
      verifyRequest(await requestWith(proof), options({ expectedNonce: async () => false })),
      'NONCE_REQUIRED',
    );
  });

  it('a nonce from an expired window', async () => {
    let clock = 1_800_000_000_000;
    const issuer = createNonceIssuer({
      secret: new Uint8Array(32).fill(1),
      windowSeconds: 60,
      now: () => clock,
    });
    const nonce = issuer.issue();
    clock += 120_000;
    const proof = await makeProof(key, { nonce });
    await rejects(
      verifyRequest(await requestWith(proof), options({ expectedNonce: issuer })),
      'NONCE_REQUIRED',
    );
  });

  it('a nonce whose checking function throws (fails closed)', async () => {
    const proof = await makeProof(key, { nonce: 'n-1' });
    const err = await rejects(
      verifyRequest(
        await requestWith(proof),
        options({
          expectedNonce: () => {
            throw new Error('db down');
          },
        }),
      ),
      'INVALID_PROOF',
    );
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('two DPoP headers in a Headers object', async () => {
    const headers = new Headers();
    headers.append('DPoP', await makeProof(key));
    headers.append('DPoP', await makeProof(key));
    await rejects(verifyRequest({ method: 'GET', url: URL, headers }, options()), 'INVALID_PROOF');
  });

  it('two DPoP headers as an array', async () => {
    const headers = { dpop: [await makeProof(key), await makeProof(key)] };
    await rejects(verifyRequest({ method: 'GET', url: URL, headers }, options()), 'INVALID_PROOF');
  });

  it('two DPoP headers spelled in different cases', async () => {
    const headers = { dpop: await makeProof(key), DPoP: await makeProof(key) };
    await rejects(verifyRequest({ method: 'GET', url: URL, headers }, options()), 'INVALID_PROOF');
  });

  it('a comma-joined DPoP header', async () => {
    const headers = { dpop: `${await makeProof(key)}, ${await makeProof(key)}` };
    await rejects(verifyRequest({ method: 'GET', url: URL, headers }, options()), 'INVALID_PROOF');
  });

  it('a missing DPoP header', async () => {
    await rejects(
      verifyRequest({ method: 'GET', url: URL, headers: {} }, options()),
      'INVALID_PROOF',
    );
  });

  it.each([
    ['two segments', 'eyJhbGciOiJFUzI1NiJ9.e30'],
    ['four segments', 'a.b.c.d'],
    ['an empty segment', 'eyJhbGciOiJFUzI1NiJ9..AAAA'],
    ['padding', 'eyJhbGciOiJFUzI1NiJ9.e30=.AAAA'],
    ['standard base64 characters', 'eyJhbGciOiJFUzI1NiJ9.e3+/.AAAA'],
    ['whitespace', 'eyJhbGciOiJFUzI1NiJ9. e30.AAAA'],
    ['an impossible base64 length', 'eyJhbGciOiJFUzI1NiJ9.e30.AAAAA'],
    ['a non-canonical final character', 'eyJhbGciOiJFUzI1NiJ9.e31.AAAA'],
    ['an empty string', ''],
  ])('a malformed compact JWS: %s', async (_, token) => {
    await rejects(
      verifyRequest({ method: 'GET', url: URL, headers: { dpop: token } }, options()),
      'INVALID_PROOF',
    );
  });

  it('a header that is not JSON', async () => {
    const token = await signJws(
      key,
      {},
      { jti: 'a' },
      { rawHeader: encodeBase64url(new TextEncoder().encode('{"typ":')) },
    );
    await rejects(verifyRequest(await requestWith(token), options()), 'INVALID_PROOF');
  });

  it('a header that is not UTF-8', async () => {
    const token = await signJws(
      key,
      {},
      { jti: 'a' },
      { rawHeader: encodeBase64url(new Uint8Array([0x7b, 0xff, 0x7d])) },
    );
    await rejects(verifyRequest(await requestWith(token), options()), 'INVALID_PROOF');
  });

  it.each([
    ['an array', '[1,2]'],
    ['a string', '"claims"'],
    ['null', 'null'],
    ['a number', '42'],
    ['not JSON', '{"jti":'],
  ])('a payload that is %s', async (_, json) => {
    const rawPayload = encodeBase64url(new TextEncoder().encode(json));
    const token = await signJws(key, { typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicJwk }, null, {
      rawPayload,
    });
    await rejects(verifyRequest(await requestWith(token), options()), 'INVALID_PROOF');
  });

  it.each(['jti', 'htm', 'htu', 'iat'])('a proof without %s', async (claim) => {
    const proof = await makeProof(key, { claims: { [claim]: undefined } });
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });

  it('a jti longer than 256 characters', async () => {
    const proof = await makeProof(key, { jti: 'j'.repeat(257) });
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });

  it.each(['ath', 'nonce', 'content_digest'])('a non-string %s', async (claim) => {
    const proof = await makeProof(key, { claims: { [claim]: 42 } });
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });

  it('an oversized DPoP header, quickly', async () => {
    const huge = `${'A'.repeat(5_000_000)}.${'A'.repeat(5_000_000)}.AAAA`;
    await rejects(
      verifyRequest({ method: 'GET', url: URL, headers: { dpop: huge } }, options()),
      'INVALID_PROOF',
    );
  });

  it('a proof just over the size limit, signed correctly', async () => {
    const proof = await makeProof(key, { claims: { pad: 'x'.repeat(8192) } });
    await rejects(verifyRequest(await requestWith(proof), options()), 'INVALID_PROOF');
  });
});

describe('verifyRequest arguments', () => {
  it.each([
    ['a missing request', undefined],
    ['a request without a method', { url: URL, headers: {} }],
    ['a relative URL', { method: 'GET', url: '/v1/items', headers: {} }],
    ['a non-http URL', { method: 'GET', url: 'file:///etc/passwd', headers: {} }],
    ['headers as an array', { method: 'GET', url: URL, headers: [['dpop', 'x']] }],
    ['headers as a Map', { method: 'GET', url: URL, headers: new Map() }],
    ['a numeric body', { method: 'GET', url: URL, headers: {}, body: 42 }],
  ])('are refused with INVALID_ARGUMENT: %s', async (_, request) => {
    await rejects(verifyRequest(request as never, options()), 'INVALID_ARGUMENT');
  });

  it.each([
    ['no signingKey', {}],
    ['a private signingKey', { signingKey: { ...key.publicJwk, d: 'AAAA' } }],
    ['an empty access token', { signingKey: key.publicJwk, accessToken: '' }],
    ['a replay cache without checkAndStore', { signingKey: key.publicJwk, replayCache: {} }],
    ['a numeric nonce', { signingKey: key.publicJwk, nonce: 5 }],
    ['a negative maxAgeSeconds', { signingKey: key.publicJwk, maxAgeSeconds: -1 }],
    ['an invalid now', { signingKey: key.publicJwk, now: 'yesterday' }],
  ])('options are refused with INVALID_ARGUMENT: %s', async (_, opts) => {
    const request = await requestWith(await makeProof(key));
    await rejects(verifyRequest(request, opts as never), 'INVALID_ARGUMENT');
  });

  it('an RSA signingKey is refused with UNSUPPORTED_ALGORITHM', async () => {
    const request = await requestWith(await makeProof(key));
    const { n, e } = (await newRsaEncryptionKey()) as { n: string; e: string };
    const rsa = { kty: 'RSA', n, e };
    await rejects(
      verifyRequest(request, { signingKey: rsa as never, replayCache: false }),
      'UNSUPPORTED_ALGORITHM',
    );
  });

  it('a signingKey that is not on the curve is refused with INVALID_ARGUMENT', async () => {
    const bogus = {
      kty: 'EC' as const,
      crv: 'P-256' as const,
      x: 'A'.repeat(43),
      y: 'A'.repeat(43),
    };
    const proof = await makeProof(key, { header: { jwk: bogus } });
    await rejects(
      verifyRequest(await requestWith(proof), { signingKey: bogus, replayCache: false }),
      'INVALID_ARGUMENT',
    );
  });

  it('a replay cache that fails makes the proof fail closed', async () => {
    const replayCache = { checkAndStore: async () => Promise.reject(new Error('redis down')) };
    await rejects(
      verifyRequest(await requestWith(await makeProof(key)), options({ replayCache })),
      'REPLAY_CHECK_FAILED',
    );
  });

  it('a full MemoryReplayCache refuses a new proof with REPLAY_CHECK_FAILED, not REPLAYED', async () => {
    const replayCache = new MemoryReplayCache({ maxEntries: 1 });
    await verifyRequest(await requestWith(await makeProof(key)), options({ replayCache }));
    await rejects(
      verifyRequest(await requestWith(await makeProof(key)), options({ replayCache })),
      'REPLAY_CHECK_FAILED',
    );
  });

  it('uses the given time', async () => {
    const iat = 1_700_000_000;
    const proof = await makeProof(key, { iat });
    await expect(
      verifyRequest(await requestWith(proof), options({ now: new Date(iat * 1000 + 10_000) })),
    ).resolves.toBeTruthy();
    await rejects(
      verifyRequest(await requestWith(proof), options({ now: iat * 1000 + 301_000 })),
      'INVALID_PROOF',
    );
  });
});
