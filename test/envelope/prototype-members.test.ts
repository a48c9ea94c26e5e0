// Envelope and stream headers with members named __proto__, constructor and prototype: such
// a member is data like any other and never becomes (or replaces) a prototype, so it cannot
// smuggle in "alg", "enc" or an ephemeral key that the header does not itself carry.

import { createECDH, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { openEnvelopeWithKey } from '../../src/core/envelope/open-envelope.js';
import { openEnvelopeStreamWithKey } from '../../src/core/envelope/open-stream.js';
import { parseJwe } from '../../src/core/envelope/parse-jwe.js';
import type { EnvelopeKey } from '../../src/core/envelope/types.js';
import type { EcPublicJwk } from '../../src/core/jwk.js';
import {
  aesKeyWrapReference,
  b64u,
  buildWithCek,
  concatKdfReference,
} from './helpers/build-jwe.js';
import { collect, memoryDevice, rejection, streamOf } from './helpers/devices.js';
import { referenceStream } from './helpers/stream-reference.js';

const plaintext = new TextEncoder().encode('paid content');

/**
 * An ECDH-ES+A256KW / A256GCM envelope to `device` whose protected header is `headerText`
 * with `EPK` replaced by a fresh ephemeral key: the JSON text as written, so a "__proto__"
 * member stays a member. Returns the envelope and the CEK it wraps.
 */
function envelopeWithHeader(device: EnvelopeKey, headerText: string, content = plaintext) {
  const { x, y } = device.info.publicKey as EcPublicJwk;
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const epkPoint = ecdh.getPublicKey();
  const z = ecdh.computeSecret(
    Buffer.concat([Buffer.of(4), Buffer.from(x, 'base64url'), Buffer.from(y, 'base64url')]),
  );
  const epk = `{"kty":"EC","crv":"P-256","x":"${b64u(epkPoint.subarray(1, 33))}","y":"${b64u(epkPoint.subarray(33))}"}`;
  const header = JSON.parse(headerText.replaceAll('EPK', epk)) as Record<string, unknown>;
  const cek = new Uint8Array(randomBytes(32));
  const kek = concatKdfReference(z, 'ECDH-ES+A256KW', 32);
  return buildWithCek(header, cek, aesKeyWrapReference(kek, cek), content);
}

const OWN = '"alg":"ECDH-ES+A256KW","enc":"A256GCM","epk":EPK';

describe('envelope headers with prototype-named members', () => {
  let device: EnvelopeKey;
  beforeAll(async () => {
    device = await memoryDevice();
  });

  it('opens the control envelope, with alg, enc and epk as its own members', async () => {
    const envelope = envelopeWithHeader(device, `{${OWN}}`);
    expect(await openEnvelopeWithKey(device, envelope)).toEqual(plaintext);
  });

  it('refuses alg and enc that only a "__proto__" member carries', async () => {
    const envelope = envelopeWithHeader(
      device,
      '{"__proto__":{"alg":"ECDH-ES+A256KW","enc":"A256GCM"},"epk":EPK}',
    );
    const err = await rejection(openEnvelopeWithKey(device, envelope));
    expect(err.code).toBe('UNSUPPORTED_ALGORITHM');
  });

  it('refuses an ephemeral key whose members only a "__proto__" member carries', async () => {
    const envelope = envelopeWithHeader(
      device,
      '{"alg":"ECDH-ES+A256KW","enc":"A256GCM","epk":{"__proto__":EPK}}',
    );
    const err = await rejection(openEnvelopeWithKey(device, envelope));
    expect(err.code).toBe('UNSUPPORTED_ALGORITHM');
  });

  it('refuses a flattened envelope whose "protected" only a "__proto__" member carries', async () => {
    const [protectedB64, encryptedKey, iv, ciphertext, tag] = envelopeWithHeader(
      device,
      `{${OWN}}`,
    ).split('.');
    const text = JSON.stringify({ encrypted_key: encryptedKey, iv, ciphertext, tag }).replace(
      '{',
      `{"__proto__":{"protected":"${protectedB64}"},`,
    );
    const err = await rejection(openEnvelopeWithKey(device, text));
    expect(err.code).toBe('INVALID_ENVELOPE');
  });

  it.each(['constructor', 'prototype', '__proto__'])(
    'opens an envelope with an extra "%s" member, which stays a plain member',
    async (name) => {
      const envelope = envelopeWithHeader(device, `{${OWN},"${name}":{"alg":"dir","zip":"DEF"}}`);
      expect(await openEnvelopeWithKey(device, envelope)).toEqual(plaintext);
      const { header } = parseJwe(envelope);
      expect(Object.getPrototypeOf(header)).toBeNull();
      expect(Object.getOwnPropertyNames(header)).toContain(name);
      expect(header.alg).toBe('ECDH-ES+A256KW');
      expect((header.epk as object).constructor).toBeUndefined();
    },
  );

  it('builds every parsed header object, nested ones too, without a prototype', () => {
    const envelope = envelopeWithHeader(device, `{${OWN},"x":{"y":{"z":1}}}`);
    const { header } = parseJwe(envelope);
    for (const value of [header, header.epk, header.x, (header.x as Record<string, unknown>).y])
      expect(Object.getPrototypeOf(value)).toBeNull();
  });
});

describe('stream headers with prototype-named members', () => {
  let device: EnvelopeKey;
  beforeAll(async () => {
    device = await memoryDevice();
  });

  function streamWithKeyHeader(headerText: string): Uint8Array {
    const contentKey = new Uint8Array(randomBytes(32));
    const keyEnvelope = envelopeWithHeader(device, headerText, contentKey);
    return referenceStream(
      {
        segmentSize: 1024,
        contentKey,
        salt: new Uint8Array(randomBytes(32)),
        noncePrefix: new Uint8Array(randomBytes(7)),
        keyEnvelope,
      },
      plaintext,
    );
  }

  it('opens the control stream, whose key envelope carries alg, enc and epk itself', async () => {
    const stream = streamWithKeyHeader(`{${OWN}}`);
    expect(await collect(openEnvelopeStreamWithKey(device, streamOf(stream)))).toEqual(plaintext);
  });

  it('refuses a stream whose key envelope has alg and enc only in a "__proto__" member', async () => {
    const stream = streamWithKeyHeader(
      '{"__proto__":{"alg":"ECDH-ES+A256KW","enc":"A256GCM"},"epk":EPK}',
    );
    const err = await rejection(collect(openEnvelopeStreamWithKey(device, streamOf(stream))));
    expect(err.code).toBe('UNSUPPORTED_ALGORITHM');
  });

  it.each(['constructor', 'prototype'])(
    'opens a stream whose key envelope has an extra "%s" member',
    async (name) => {
      const stream = streamWithKeyHeader(`{${OWN},"${name}":{"alg":"dir"}}`);
      expect(await collect(openEnvelopeStreamWithKey(device, streamOf(stream)))).toEqual(plaintext);
    },
  );
});
