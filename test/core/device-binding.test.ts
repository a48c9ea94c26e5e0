import { p256 } from '@noble/curves/nist.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeviceBinding, DeviceBindingError, type KeyStore } from '../../src/index.js';
import { MemoryKeyStore } from '../../src/keystores/memory/index.js';
import { DelegatingStore } from '../helpers/broken-stores.js';
import {
  contentDigestOf,
  sha256b64url,
  thumbprint,
  verifyEmbeddedJws,
} from '../helpers/verify-jws.js';
import { cryptoOption } from '../setup/crypto-option.js';

const URL_ = 'https://api.example.com/v1/items';

function newBinding(
  keyStore: KeyStore = new MemoryKeyStore(),
  extra: Partial<ConstructorParameters<typeof DeviceBinding>[0]> = {},
) {
  return new DeviceBinding({
    keyStore,
    namespace: 'com.example.test',
    ...cryptoOption(),
    ...extra,
  });
}

async function expectCode(promise: Promise<unknown> | (() => unknown), code: string) {
  const run = typeof promise === 'function' ? Promise.resolve().then(promise) : promise;
  const err = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeviceBindingError);
  expect((err as DeviceBindingError).code).toBe(code);
}

describe('DeviceBinding construction', () => {
  it('rejects a missing key store', async () => {
    await expectCode(() => new DeviceBinding({ namespace: 'x' } as never), 'INVALID_ARGUMENT');
  });
  it.each(['', 'has space', 'a/b', 'x'.repeat(151)])(
    'rejects the namespace %j',
    async (namespace) => {
      await expectCode(
        () => new DeviceBinding({ keyStore: new MemoryKeyStore(), namespace }),
        'INVALID_ARGUMENT',
      );
    },
  );
});

describe('ensureKeys and getDeviceId', () => {
  it('has no device id before keys exist, and does not create them', async () => {
    const store = new MemoryKeyStore();
    expect(await newBinding(store).getDeviceId()).toBeNull();
    expect(await store.listAliases()).toEqual([]);
  });

  it('creates the keys once and is idempotent', async () => {
    const binding = newBinding();
    const first = await binding.ensureKeys();
    const second = await binding.ensureKeys();
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.deviceId).toBe(first.deviceId);
    expect(await binding.getDeviceId()).toBe(first.deviceId);
  });

  it('uses the RFC 7638 thumbprint of the signing key as the device id', async () => {
    const { deviceId, signingKey } = await newBinding().ensureKeys();
    expect(deviceId).toBe(thumbprint(signingKey.publicKey as never));
  });

  it('makes one key per alias under concurrent calls, across bindings', async () => {
    const store = new DelegatingStore();
    const bindings = [newBinding(store), newBinding(store), newBinding(store)];
    const results = await Promise.all(
      bindings.flatMap((b) => Array.from({ length: 10 }, () => b.ensureKeys())),
    );
    expect(new Set(results.map((r) => r.deviceId)).size).toBe(1);
    expect((await store.listAliases()).sort()).toEqual([
      'com.example.test.encryption',
      'com.example.test.signing',
    ]);
  });

  it('picks an ECDH encryption key that carries the JWE alg it opens', async () => {
    const { encryptionKey } = await newBinding().ensureKeys();
    expect(encryptionKey.publicKey).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      use: 'enc',
      alg: 'ECDH-ES+A256KW',
    });
  });

  it('falls back to the next encryption key kind the store refuses for the policy', async () => {
    const store = new DelegatingStore();
    const tried: string[] = [];
    store.capabilities = async () => ({
      ...(await store.inner.capabilities()),
      encryption: ['ECDH-ES', 'RSA-OAEP-256'],
    });
    store.generateKey = async (alias, spec) => {
      tried.push(spec.algorithm);
      if (spec.algorithm === 'ECDH-ES')
        throw new DeviceBindingError(
          'UNSUPPORTED_ALGORITHM',
          'no ECDH with per-use authentication',
        );
      return store.inner.generateKey(alias, {
        ...spec,
        algorithm: spec.purpose === 'encrypt' ? 'ECDH-ES' : spec.algorithm,
      });
    };
    await newBinding(store).ensureKeys();
    expect(tried).toEqual(['ES256', 'ECDH-ES', 'RSA-OAEP-256']);
  });

  it('does not fall back from an encryption key kind the app asked for', async () => {
    const store = new DelegatingStore();
    store.generateKey = async (alias, spec) => {
      if (spec.purpose === 'encrypt')
        throw new DeviceBindingError('UNSUPPORTED_ALGORITHM', 'refused');
      return store.inner.generateKey(alias, spec);
    };
    await expectCode(
      newBinding(store, { encryptionAlgorithm: 'ECDH-ES' }).ensureKeys(),
      'UNSUPPORTED_ALGORITHM',
    );
  });

  it('refuses an encryption key kind the store does not offer', async () => {
    await expectCode(
      newBinding(new MemoryKeyStore(), { encryptionAlgorithm: 'RSA-OAEP-256' }).ensureKeys(),
      'UNSUPPORTED_ALGORITHM',
    );
  });

  it('reports a stored key that cannot be loaded instead of making a new identity', async () => {
    const store = new DelegatingStore();
    const binding = newBinding(store);
    await binding.ensureKeys();
    const broken = newBinding(
      Object.assign(store, {
        getKey: async () => {
          throw new DeviceBindingError('KEY_UNAVAILABLE', 'storage is unavailable');
        },
      }),
    );
    const before = store.generateCalls;
    await expectCode(broken.ensureKeys(), 'KEY_UNAVAILABLE');
    await expectCode(broken.signRequest({ method: 'GET', url: URL_ }), 'KEY_UNAVAILABLE');
    expect(store.generateCalls).toBe(before);
  });

  it('recovers from an unloadable key through unbind and a new handshake', async () => {
    const store = new DelegatingStore();
    let corrupt = true;
    const inner = store.inner;
    store.getKey = async (alias) => {
      if (corrupt && alias.endsWith('.signing') && (await inner.getKey(alias)) !== null) {
        throw new DeviceBindingError('KEY_UNAVAILABLE', 'record is corrupt');
      }
      return inner.getKey(alias);
    };
    store.deleteKey = async (alias) => {
      corrupt = false;
      return inner.deleteKey(alias);
    };
    await inner.generateKey('com.example.test.signing', { purpose: 'sign', algorithm: 'ES256' });
    const binding = newBinding(store);
    await expectCode(binding.createHandshake({ nonce: 'n' }), 'KEY_UNAVAILABLE');
    await binding.unbind();
    const handshake = await binding.createHandshake({ nonce: 'n' });
    expect(handshake.deviceId).toBe(await binding.getDeviceId());
  });

  it('turns a plain error from a store into KEYSTORE_ERROR with the cause kept', async () => {
    const store = new DelegatingStore();
    store.getKey = async () => {
      throw new TypeError('native module crashed');
    };
    const err = await newBinding(store)
      .ensureKeys()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceBindingError);
    expect((err as DeviceBindingError).code).toBe('KEYSTORE_ERROR');
    expect((err as DeviceBindingError).cause).toBeInstanceOf(TypeError);
  });

  it('rejects a store whose public key carries a private member', async () => {
    const store = new DelegatingStore();
    const inner = store.inner;
    const leak = <T extends { publicKey: object } | null>(info: T): T =>
      info && { ...info, publicKey: { ...info.publicKey, d: 'AAAA' } as never };
    store.generateKey = async (alias, spec) => leak(await inner.generateKey(alias, spec));
    store.getKey = async (alias) => leak(await inner.getKey(alias));
    await expectCode(newBinding(store).ensureKeys(), 'KEYSTORE_ERROR');
    await expectCode(newBinding(store).getDeviceId(), 'KEYSTORE_ERROR');
  });
});

describe('createHandshake', () => {
  it('makes a JWS that verifies with the embedded key', async () => {
    const binding = newBinding();
    const hs = await binding.createHandshake({
      nonce: 'server-challenge',
      subject: 'alice',
      claims: { app: 'v1' },
    });
    const { payload: claims, header: protectedHeader } = verifyEmbeddedJws(hs.token);
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'devicebind-handshake+jwt' });
    expect(protectedHeader.jwk).toEqual(hs.signingKey);
    expect(claims).toMatchObject({
      nonce: 'server-challenge',
      sub: 'alice',
      app: 'v1',
      device_id: hs.deviceId,
    });
    expect(claims.encryption_key).toEqual(hs.encryptionKey);
    expect(typeof claims.jti).toBe('string');
    expect(Math.abs((claims.iat as number) - Date.now() / 1000)).toBeLessThan(5);
    expect(hs.deviceId).toBe(thumbprint(hs.signingKey as never));
  });

  it('embeds only the public signing key', async () => {
    const hs = await newBinding().createHandshake({ nonce: 'n' });
    const { header } = verifyEmbeddedJws(hs.token);
    expect(Object.keys(header.jwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
  });

  it.each(['nonce', 'iat', 'jti', 'device_id', 'encryption_key', 'sub', 'cnf'])(
    'refuses the reserved claim %s',
    async (name) => {
      await expectCode(
        newBinding().createHandshake({ nonce: 'n', claims: { [name]: 'x' } }),
        'INVALID_ARGUMENT',
      );
    },
  );

  it('refuses claims that are not JSON', async () => {
    await expectCode(
      newBinding().createHandshake({ nonce: 'n', claims: { big: 1n } }),
      'INVALID_ARGUMENT',
    );
  });

  it.each([undefined, '', 42])('refuses the nonce %j', async (nonce) => {
    await expectCode(newBinding().createHandshake({ nonce } as never), 'INVALID_ARGUMENT');
  });
});

describe('signRequest', () => {
  it('makes an RFC 9449 proof that verifies with the embedded key', async () => {
    const binding = newBinding();
    const { deviceId } = await binding.ensureKeys();
    const { DPoP, 'Content-Digest': digest } = await binding.signRequest({
      method: 'get',
      url: `${URL_}?q=1#frag`,
    });
    expect(digest).toBeUndefined();
    const { payload, header: protectedHeader } = verifyEmbeddedJws(DPoP);
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'dpop+jwt' });
    expect(thumbprint(protectedHeader.jwk)).toBe(deviceId);
    expect(payload).toMatchObject({ htm: 'GET', htu: URL_ });
    expect(Object.keys(payload).sort()).toEqual(['htm', 'htu', 'iat', 'jti']);
  });

  it('hashes the access token into ath', async () => {
    const binding = newBinding();
    await binding.ensureKeys();
    const { DPoP } = await binding.signRequest({
      method: 'GET',
      url: URL_,
      accessToken: 'token-123',
    });
    const { payload } = verifyEmbeddedJws(DPoP);
    expect(payload.ath).toBe(sha256b64url('token-123'));
    const other = await binding.signRequest({ method: 'GET', url: URL_, accessToken: 'token-456' });
    expect(verifyEmbeddedJws(other.DPoP).payload.ath).toBe(sha256b64url('token-456'));
  });

  it('gives each proof the ath of its own token when tokens alternate and overlap', async () => {
    const binding = newBinding();
    await binding.ensureKeys();
    const tokens = ['token-a', 'token-b', 'token-a', 'token-a', 'token-c', 'token-b'];
    for (const accessToken of tokens) {
      const { DPoP } = await binding.signRequest({ method: 'GET', url: URL_, accessToken });
      expect(verifyEmbeddedJws(DPoP).payload.ath).toBe(sha256b64url(accessToken));
    }
    // In flight together: a token's hash may still be computing while another is cached.
    const concurrent = await Promise.all(
      [...tokens, ...tokens].map((accessToken) =>
        binding.signRequest({ method: 'GET', url: URL_, accessToken }),
      ),
    );
    concurrent.forEach(({ DPoP }, i) => {
      expect(verifyEmbeddedJws(DPoP).payload.ath).toBe(sha256b64url(tokens[i % tokens.length]!));
    });
  });

  it('gives each proof the htu of its own URL, over more URLs than it remembers', async () => {
    const binding = newBinding();
    await binding.ensureKeys();
    const urls = Array.from(
      { length: 150 },
      (_, i) => `HTTPS://API.Example.com:443/v${i % 3}/items/${i}?page=${i}#top`,
    );
    for (const url of [...urls, ...urls.slice(0, 80).reverse()]) {
      const { DPoP } = await binding.signRequest({ method: 'GET', url });
      const expected = new URL(url);
      expect(verifyEmbeddedJws(DPoP).payload.htu).toBe(`${expected.origin}${expected.pathname}`);
    }
    // A URL refused once is refused again, not remembered.
    await expectCode(binding.signRequest({ method: 'GET', url: 'ftp://x/y' }), 'INVALID_ARGUMENT');
    await expectCode(binding.signRequest({ method: 'GET', url: 'ftp://x/y' }), 'INVALID_ARGUMENT');
  });

  it('binds the body through Content-Digest and a proof claim', async () => {
    const binding = newBinding();
    await binding.ensureKeys();
    const body = '{"amount":100}';
    const headers = await binding.signRequest({ method: 'POST', url: URL_, body });
    const expected = contentDigestOf(body);
    expect(headers['Content-Digest']).toBe(expected);
    const { payload } = verifyEmbeddedJws(headers.DPoP);
    expect(payload.content_digest).toBe(expected);
    const bytes = await binding.signRequest({
      method: 'POST',
      url: URL_,
      body: new TextEncoder().encode(body),
    });
    expect(bytes['Content-Digest']).toBe(expected);
  });

  it('carries the server nonce', async () => {
    const binding = newBinding();
    await binding.ensureKeys();
    const { DPoP } = await binding.signRequest({
      method: 'GET',
      url: URL_,
      nonce: 'eyJ7S_zG.eyJH0-Z.HX4w-7v',
    });
    expect(verifyEmbeddedJws(DPoP).payload.nonce).toBe('eyJ7S_zG.eyJH0-Z.HX4w-7v');
  });

  it('takes iat from the corrected clock', async () => {
    const binding = newBinding(new MemoryKeyStore(), { clock: () => 1_700_000_000_500 });
    await binding.ensureKeys();
    const { DPoP } = await binding.signRequest({ method: 'GET', url: URL_ });
    const { payload } = verifyEmbeddedJws(DPoP);
    expect(payload.iat).toBe(1_700_000_000);
  });

  it('uses a fresh 128-bit jti for every proof, across random-byte batches', async () => {
    const binding = newBinding();
    await binding.ensureKeys();
    // Ids come from batches of 64: 200 proofs span four batches.
    const proofs = await Promise.all(
      Array.from({ length: 200 }, () => binding.signRequest({ method: 'GET', url: URL_ })),
    );
    const jtis = proofs.map((p) => verifyEmbeddedJws(p.DPoP).payload.jti);
    expect(new Set(jtis).size).toBe(200);
    for (const jti of jtis) expect(jti).toMatch(/^[A-Za-z0-9_-]{21}[AQgw]$/);
  });

  it('signs with EdDSA when asked', async () => {
    const binding = newBinding(new MemoryKeyStore(), { signingAlgorithm: 'EdDSA' });
    await binding.ensureKeys();
    const { DPoP } = await binding.signRequest({ method: 'GET', url: URL_ });
    const { header: protectedHeader } = verifyEmbeddedJws(DPoP);
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', jwk: { kty: 'OKP', crv: 'Ed25519' } });
  });

  it('needs keys first', async () => {
    await expectCode(newBinding().signRequest({ method: 'GET', url: URL_ }), 'KEY_NOT_FOUND');
  });

  it('refuses a signature in DER form from a misbehaving store', async () => {
    const store = new DelegatingStore();
    store.sign = async (alias, data) => {
      const compact = await store.inner.sign(alias, data);
      return p256.Signature.fromBytes(compact, 'compact').toBytes('der');
    };
    const binding = newBinding(store);
    await binding.ensureKeys();
    await expectCode(binding.signRequest({ method: 'GET', url: URL_ }), 'KEYSTORE_ERROR');
  });

  it('passes on KEY_INVALIDATED and recovers after unbind', async () => {
    const store = new DelegatingStore();
    let invalidated = false;
    store.sign = async (alias, data) => {
      if (invalidated) throw new DeviceBindingError('KEY_INVALIDATED', 'new biometric enrolled');
      return store.inner.sign(alias, data);
    };
    const binding = newBinding(store);
    const { deviceId } = await binding.ensureKeys();
    invalidated = true;
    await expectCode(binding.signRequest({ method: 'GET', url: URL_ }), 'KEY_INVALIDATED');
    await binding.unbind();
    invalidated = false;
    const fresh = await binding.createHandshake({ nonce: 'again' });
    expect(fresh.deviceId).not.toBe(deviceId);
  });

  const badOptions: [string, unknown][] = [
    ['a relative URL', { method: 'GET', url: '/v1/items' }],
    ['a non-http URL', { method: 'GET', url: 'ftp://example.com/x' }],
    ['a URL that is not a string', { method: 'GET', url: 42 }],
    ['a method with a space', { method: 'GE T', url: URL_ }],
    ['a missing method', { url: URL_ }],
    ['an empty access token', { method: 'GET', url: URL_, accessToken: '' }],
    ['a nonce with a quote', { method: 'GET', url: URL_, nonce: 'a"b' }],
    ['a body of the wrong type', { method: 'POST', url: URL_, body: { a: 1 } }],
    ['no options', undefined],
  ];
  it.each(badOptions)('refuses %s', async (_, options) => {
    const binding = newBinding();
    await binding.ensureKeys();
    await expectCode(binding.signRequest(options as never), 'INVALID_ARGUMENT');
  });

  it('answers arbitrary input with a proof or a DeviceBindingError, nothing else', async () => {
    const binding = newBinding();
    await binding.ensureKeys();
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            method: fc.oneof(fc.string(), fc.constant('POST')),
            url: fc.oneof(fc.string(), fc.webUrl()),
            body: fc.oneof(fc.string(), fc.anything()),
            accessToken: fc.anything(),
            nonce: fc.anything(),
          },
          { requiredKeys: [] },
        ),
        async (options) => {
          const outcome = await binding.signRequest(options as never).catch((e: unknown) => e);
          if (outcome instanceof Error) expect(outcome).toBeInstanceOf(DeviceBindingError);
          else expect(typeof (outcome as { DPoP: unknown }).DPoP).toBe('string');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('unbind', () => {
  it('deletes both keys and leaves other aliases alone', async () => {
    const store = new MemoryKeyStore();
    await store.generateKey('other.app.signing', { purpose: 'sign', algorithm: 'ES256' });
    const binding = newBinding(store);
    await binding.ensureKeys();
    await binding.unbind();
    expect(await binding.getDeviceId()).toBeNull();
    expect(await store.listAliases()).toEqual(['other.app.signing']);
    await binding.unbind();
  });
});
