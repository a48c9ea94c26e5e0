// Makes the published stream vectors (test/vectors/stream/*.json) from fixed inputs with
// the independent reference implementation; scripts/make-stream-vectors.mjs writes them,
// and test/vectors/envelope-stream.test.ts checks the files still match this output.

import { createECDH, createHash } from 'node:crypto';
import { b64u } from '../../envelope/helpers/build-jwe.js';
import {
  referenceEcdhKeyEnvelope,
  referenceHeader,
  referenceNonce,
  referenceRsaKeyEnvelope,
  referenceSegment,
  referenceStream,
  referenceStreamKey,
  type StreamInput,
  splitSegments,
} from '../../envelope/helpers/stream-reference.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** Fixed "random" bytes: SHA-256 of a label, repeated as needed. */
function fixed(label: string, length: number): Uint8Array {
  const out = Buffer.alloc(length);
  for (let i = 0, block = 0; i < length; block++) {
    i += createHash('sha256')
      .update(`devicebind stream vectors/${label}/${block}`)
      .digest()
      .copy(out, i);
  }
  return new Uint8Array(out);
}

/** Plaintext bytes i ↦ i mod 251 (never a run of equal segments). */
function pattern(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => i % 251);
}

/** The RSA device key as the vectors publish it (private members included). */
function rsaDeviceKey(key: JsonWebKey): JsonWebKey {
  const { kty, n, e, d, p, q, dp, dq, qi } = key;
  return { kty, n, e, d, p, q, dp, dq, qi, alg: 'RSA-OAEP-256', use: 'enc' } as JsonWebKey;
}

function ecDevice() {
  const d = fixed('device key', 32);
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const point = ecdh.getPublicKey();
  return {
    d,
    point,
    jwk: {
      kty: 'EC',
      crv: 'P-256',
      d: b64u(d),
      x: b64u(point.subarray(1, 33)),
      y: b64u(point.subarray(33)),
    },
  };
}

interface VectorInput {
  name: string;
  device: 'ec' | 'rsa';
  segmentSize: number;
  plaintext: Uint8Array;
  comment: string;
}

function streamInput(v: VectorInput, devicePoint: Uint8Array, rsaKey: JsonWebKey): StreamInput {
  const contentKey = fixed(`${v.name}/content key`, 32);
  const cek = fixed(`${v.name}/key envelope cek`, 32);
  const iv = fixed(`${v.name}/key envelope iv`, 12);
  const keyEnvelope =
    v.device === 'ec'
      ? referenceEcdhKeyEnvelope(
          devicePoint,
          fixed(`${v.name}/ephemeral key`, 32),
          cek,
          iv,
          contentKey,
        )
      : referenceRsaKeyEnvelope(rsaKey, fixed(`${v.name}/oaep seed`, 32), cek, iv, contentKey);
  return {
    segmentSize: v.segmentSize,
    contentKey,
    salt: fixed(`${v.name}/salt`, 32),
    noncePrefix: fixed(`${v.name}/nonce prefix`, 7),
    keyEnvelope,
  };
}

function validVector(
  v: VectorInput,
  devicePoint: Uint8Array,
  rsaKey: JsonWebKey,
  detailed: boolean,
) {
  const input = streamInput(v, devicePoint, rsaKey);
  const header = referenceHeader(input);
  const streamKey = referenceStreamKey(input.contentKey, header);
  const split = splitSegments(v.plaintext, v.segmentSize);
  return {
    name: v.name,
    comment: v.comment,
    result: 'valid',
    device: v.device,
    segmentSize: v.segmentSize,
    contentKey: hex(input.contentKey),
    salt: hex(input.salt),
    noncePrefix: hex(input.noncePrefix),
    keyEnvelope: input.keyEnvelope,
    header: hex(header),
    headerSha256: hex(createHash('sha256').update(header).digest()),
    streamKey: hex(streamKey),
    ...(detailed
      ? {
          segments: split.map((data, index) => {
            const last = index === split.length - 1;
            return {
              index,
              last,
              nonce: hex(referenceNonce(header, index, last)),
              plaintext: hex(data),
              sealed: hex(referenceSegment(streamKey, header, index, last, data)),
            };
          }),
        }
      : {}),
    plaintext: hex(v.plaintext),
    stream: hex(referenceStream(input, v.plaintext)),
  };
}

/**
 * Both vector files: the main one (small segments, valid and invalid streams) and one at
 * the default segment size. `rsaKey` is the private JWK of the RSA device (test key "a" of
 * test/fixtures/rsa-test-keys.json, made for the tests, so the files can carry its private part).
 */
export function makeStreamVectors(rsaKey: JsonWebKey): {
  main: object;
  defaultSegmentSize: object;
} {
  const ec = ecDevice();
  const devices = {
    ec: { algorithm: 'ECDH-ES', privateJwk: ec.jwk },
    rsa: { algorithm: 'RSA-OAEP-256', privateJwk: rsaDeviceKey(rsaKey) },
  };
  const about =
    'devicebind stream envelopes, format version 1 (docs/formats/stream.md). Binary values are lowercase hex. ' +
    'Made from fixed inputs by scripts/make-stream-vectors.mjs; "valid" streams open to "plaintext", "invalid" ones must fail before the output closes.';
  const small: VectorInput[] = [
    {
      name: 'empty plaintext',
      device: 'ec',
      segmentSize: 32,
      plaintext: new Uint8Array(0),
      comment: 'one final segment holding only a tag',
    },
    {
      name: 'one short segment',
      device: 'ec',
      segmentSize: 32,
      plaintext: pattern(5),
      comment: '',
    },
    {
      name: 'one full segment',
      device: 'ec',
      segmentSize: 32,
      plaintext: pattern(32),
      comment: 'the final segment may be full',
    },
    { name: 'two segments', device: 'ec', segmentSize: 32, plaintext: pattern(45), comment: '' },
    {
      name: 'three segments',
      device: 'ec',
      segmentSize: 32,
      plaintext: pattern(80),
      comment: 'base of the invalid vectors below',
    },
    {
      name: 'exact multiple',
      device: 'ec',
      segmentSize: 32,
      plaintext: pattern(96),
      comment: 'three full segments, the last one final',
    },
    {
      name: 'smallest segment size',
      device: 'ec',
      segmentSize: 16,
      plaintext: pattern(50),
      comment: '',
    },
    {
      name: 'rsa key envelope',
      device: 'rsa',
      segmentSize: 32,
      plaintext: pattern(40),
      comment: 'key envelope RSA-OAEP-256 / A256GCM',
    },
  ];
  const valid = small.map((v) => validVector(v, ec.point, rsaKey, true));

  // Invalid streams, derived from "three segments" (80 bytes: 32 + 32 + 16).
  const baseInput = streamInput(small[4]!, ec.point, rsaKey);
  const base = referenceStream(baseInput, small[4]!.plaintext);
  const headerLength = referenceHeader(baseInput).length;
  const seg = (i: number) =>
    base.subarray(headerLength + i * 48, Math.min(base.length, headerLength + (i + 1) * 48));
  const head = base.subarray(0, headerLength);
  const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
  const flip = (bytes: Uint8Array, at: number) => {
    const out = bytes.slice();
    out[at]! ^= 1;
    return out;
  };
  const p = small[4]!.plaintext;
  const invalid = [
    [
      'truncated at a segment boundary',
      cat(head, seg(0), seg(1)),
      'ends after segment 1, which was sealed as not final',
    ],
    ['truncated inside the final segment', base.subarray(0, base.length - 1), ''],
    ['header only', head, 'no segments at all'],
    ['truncated inside the header', base.subarray(0, headerLength - 10), ''],
    ['one byte appended', cat(base, Uint8Array.of(0)), ''],
    ['final segment duplicated', cat(base, seg(2)), ''],
    ['segments 0 and 1 swapped', cat(head, seg(1), seg(0), seg(2)), ''],
    ['segment 0 dropped', cat(head, seg(1), seg(2)), ''],
    ['segment 1 repeated', cat(head, seg(0), seg(1), seg(1), seg(2)), ''],
    ['bit flipped in segment 1', cat(head, seg(0), flip(seg(1), 7), seg(2)), ''],
    ['bit flipped in a tag', cat(head, seg(0), seg(1), flip(seg(2), seg(2).length - 1)), ''],
    ['bit flipped in the salt', cat(flip(head, 8), seg(0), seg(1), seg(2)), ''],
    ['bit flipped in the nonce prefix', cat(flip(head, 40), seg(0), seg(1), seg(2)), ''],
    ['segment size changed', cat(flip(head, 7), seg(0), seg(1), seg(2)), 'header says 33'],
    ['wrong magic', cat(flip(head, 3), seg(0), seg(1), seg(2)), 'version byte 0x00'],
    [
      'no segment marked final',
      referenceStream(baseInput, p, [
        { data: p.subarray(0, 32), index: 0, last: false },
        { data: p.subarray(32, 64), index: 1, last: false },
        { data: p.subarray(64), index: 2, last: false },
      ]),
      'a truncation the attacker cannot re-mark',
    ],
    [
      'middle segment marked final',
      referenceStream(baseInput, p, [
        { data: p.subarray(0, 32), index: 0, last: false },
        { data: p.subarray(32, 64), index: 1, last: true },
        { data: p.subarray(64), index: 2, last: true },
      ]),
      '',
    ],
    [
      'empty final segment after full ones',
      referenceStream(baseInput, p.subarray(0, 64), [
        { data: p.subarray(0, 32), index: 0, last: false },
        { data: p.subarray(32, 64), index: 1, last: false },
        { data: new Uint8Array(0), index: 2, last: true },
      ]),
      'non-canonical: a sealer never ends with an empty segment unless the plaintext is empty',
    ],
  ] as const;

  const large = {
    name: 'default segment size',
    device: 'ec' as const,
    segmentSize: 65536,
    plaintext: pattern(65536 + 100),
    comment: 'two segments of the default size',
  };
  return {
    main: {
      about,
      devices,
      vectors: [
        ...valid,
        ...invalid.map(([name, stream, comment]) => ({
          name,
          comment,
          result: 'invalid',
          device: 'ec',
          stream: hex(stream),
        })),
      ],
    },
    defaultSegmentSize: { about, devices, vectors: [validVector(large, ec.point, rsaKey, false)] },
  };
}
