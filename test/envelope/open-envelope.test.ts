import { CompactEncrypt, importJWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { openEnvelopeWithKey } from '../../src/core/envelope/open-envelope.js';
import type { EnvelopeKey } from '../../src/core/envelope/types.js';
import { sealEnvelope } from '../../src/server/seal-envelope.js';
import {
  b64u,
  buildEcdhEnvelope,
  buildWithCek,
  concatKdfReference,
  headerOf,
} from './helpers/build-jwe.js';
import {
  fixedRsaDevice,
  memoryDevice,
  rejection,
  sameBytes,
  testBytes,
} from './helpers/devices.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (s: string) => new TextEncoder().encode(s);

describe('openEnvelopeWithKey: what opens', () => {
  let ec: EnvelopeKey;
  let rsa256: EnvelopeKey;
  let rsa1: EnvelopeKey;
  beforeAll(async () => {
    ec = await memoryDevice();
    rsa256 = await fixedRsaDevice('RSA-OAEP-256');
    rsa1 = await fixedRsaDevice('RSA-OAEP', 'b');
  });

  it('opens a sealEnvelope envelope for an EC key (ECDH-ES+A256KW, A256GCM)', async () => {
    const envelope = await sealEnvelope(bytes('hello device'), ec.info.publicKey);
    expect(headerOf(envelope)).toMatchObject({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM' });
    expect(text(await openEnvelopeWithKey(ec, envelope))).toBe('hello device');
  });

  it('opens a sealEnvelope envelope for an RSA-OAEP-256 key', async () => {
    const envelope = await sealEnvelope(bytes('rsa 256'), rsa256.info.publicKey);
    expect(headerOf(envelope).alg).toBe('RSA-OAEP-256');
    expect(text(await openEnvelopeWithKey(rsa256, envelope))).toBe('rsa 256');
  });

  it('opens a sealEnvelope envelope for an RSA-OAEP (SHA-1) key', async () => {
    const envelope = await sealEnvelope(bytes('rsa sha-1'), rsa1.info.publicKey);
    expect(headerOf(envelope).alg).toBe('RSA-OAEP');
    expect(text(await openEnvelopeWithKey(rsa1, envelope))).toBe('rsa sha-1');
  });

  it('opens an empty plaintext', async () => {
    const envelope = await sealEnvelope(new Uint8Array(0), ec.info.publicKey);
    expect(await openEnvelopeWithKey(ec, envelope)).toEqual(new Uint8Array(0));
  });

  it('opens a 3 MiB plaintext (native base64url path) byte for byte', async () => {
    const plaintext = testBytes(3 * 1024 * 1024 + 1);
    const envelope = await sealEnvelope(plaintext, ec.info.publicKey);
    expect(sameBytes(await openEnvelopeWithKey(ec, envelope), plaintext)).toBe(true);
  });

  it('opens a flattened envelope with aad given as the JSON text, the object, bytes or a string', async () => {
    const json = await sealEnvelope(bytes('flat'), ec.info.publicKey, { aad: 'order-17' });
    const object = JSON.parse(json) as { aad: string };
    expect(object.aad).toBe(b64u('order-17'));
    expect(text(await openEnvelopeWithKey(ec, json, { aad: 'order-17' }))).toBe('flat');
    expect(text(await openEnvelopeWithKey(ec, JSON.parse(json), { aad: bytes('order-17') }))).toBe(
      'flat',
    );
  });

  it('treats an empty aad as no aad, as jose does', async () => {
    const envelope = await sealEnvelope(bytes('no aad'), ec.info.publicKey, { aad: '' });
    expect(envelope.split('.')).toHaveLength(5);
    expect(text(await openEnvelopeWithKey(ec, envelope, { aad: new Uint8Array(0) }))).toBe(
      'no aad',
    );
  });

  it('uses apu and apv in the Concat KDF', async () => {
    const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
      'deriveBits',
    ]);
    const epk = await crypto.subtle.exportKey('jwk', pair.publicKey);
    const z = await ec.keyStore.deriveSharedSecret(ec.info.alias, {
      kty: 'EC',
      crv: 'P-256',
      x: epk.x!,
      y: epk.y!,
    });
    const header = {
      alg: 'ECDH-ES',
      enc: 'A128GCM',
      epk: { kty: 'EC', crv: 'P-256', x: epk.x, y: epk.y },
      apu: b64u('Alice'),
      apv: b64u('Bob'),
    };
    const envelope = buildEcdhEnvelope({ z, header, plaintext: bytes('with party info') });
    expect(text(await openEnvelopeWithKey(ec, envelope))).toBe('with party info');
    // Made with apv left out of the KDF but named in the header, it does not open.
    const withoutApv = concatKdfReference(z, 'A128GCM', 16, bytes('Alice'));
    const skewed = buildWithCek(header, withoutApv, new Uint8Array(0), bytes('x'));
    expect((await rejection(openEnvelopeWithKey(ec, skewed))).code).toBe('INVALID_ENVELOPE');
  });

  it('ignores header parameters it does not need (kid, typ, cty) when they are not critical', async () => {
    const key = await importJWK(
      ec.info.publicKey as unknown as Parameters<typeof importJWK>[0],
      'ECDH-ES+A128KW',
    );
    const envelope = await new CompactEncrypt(bytes('extra members'))
      .setProtectedHeader({
        alg: 'ECDH-ES+A128KW',
        enc: 'A128GCM',
        kid: 'device-key',
        typ: 'JWE',
        cty: 'text/plain',
      })
      .encrypt(key);
    expect(text(await openEnvelopeWithKey(ec, envelope))).toBe('extra members');
  });

  it('passes operationOptions to the key store', async () => {
    const seen: unknown[] = [];
    const store = ec.keyStore;
    const spy: EnvelopeKey = {
      ...ec,
      operationOptions: { prompt: { title: 'Open the file' } },
      keyStore: {
        ...store,
        deriveSharedSecret: (alias, peer, options) => {
          seen.push(options);
          return store.deriveSharedSecret(alias, peer, options);
        },
      },
    };
    const envelope = await sealEnvelope(bytes('x'), ec.info.publicKey);
    await openEnvelopeWithKey(spy, envelope);
    expect(seen).toEqual([{ prompt: { title: 'Open the file' } }]);
  });
});

describe('openEnvelopeWithKey: argument errors', () => {
  it('refuses an envelope that is neither a string nor an object with INVALID_ARGUMENT', async () => {
    const ec = await memoryDevice();
    for (const bad of [undefined, null, 42, true]) {
      const err = await rejection(openEnvelopeWithKey(ec, bad as unknown as string));
      expect(err.code).toBe('INVALID_ARGUMENT');
      expect(err.message).toContain('"envelope"');
    }
  });

  it('refuses an aad that is neither bytes nor a string with INVALID_ARGUMENT', async () => {
    const ec = await memoryDevice();
    const envelope = await sealEnvelope(bytes('x'), ec.info.publicKey);
    const err = await rejection(openEnvelopeWithKey(ec, envelope, { aad: 7 as unknown as string }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('"options.aad"');
  });

  it('refuses a malformed key handle with INVALID_ARGUMENT', async () => {
    const ec = await memoryDevice();
    const envelope = await sealEnvelope(bytes('x'), ec.info.publicKey);
    for (const bad of [
      undefined,
      {},
      { ...ec, info: undefined },
      { ...ec, keyStore: null },
      { ...ec, crypto: 1 },
    ]) {
      const err = await rejection(openEnvelopeWithKey(bad as unknown as EnvelopeKey, envelope));
      expect(err.code).toBe('INVALID_ARGUMENT');
    }
  });

  it('refuses a signing key as the device key with UNSUPPORTED_ALGORITHM', async () => {
    const ec = await memoryDevice();
    const signing = await ec.keyStore.generateKey('com.example.signing', {
      purpose: 'sign',
      algorithm: 'ES256',
    });
    const envelope = await sealEnvelope(bytes('x'), ec.info.publicKey);
    const err = await rejection(openEnvelopeWithKey({ ...ec, info: signing }, envelope));
    expect(err.code).toBe('UNSUPPORTED_ALGORITHM');
  });
});
