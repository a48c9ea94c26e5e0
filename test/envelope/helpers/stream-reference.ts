// A second, independent implementation of the stream format (docs/formats/stream.md) on
// node:crypto, with every random input passed in: it generates the published vectors and
// crafts streams the sealer never makes (odd flags, empty final segments).

import {
  type CipherGCM,
  constants,
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  createPublicKey,
  type DecipherGCM,
  hkdfSync,
  publicEncrypt,
} from 'node:crypto';
import { aesKeyWrapReference, b64u, concatKdfReference } from './build-jwe.js';

export const MAGIC = Uint8Array.of(0x64, 0x62, 0x73, 0x01);

export interface StreamInput {
  segmentSize: number;
  contentKey: Uint8Array;
  salt: Uint8Array;
  noncePrefix: Uint8Array;
  keyEnvelope: string;
}

/** The header: magic ‖ u32 segment size ‖ salt ‖ nonce prefix ‖ u16 JWE length ‖ JWE. */
export function referenceHeader({
  segmentSize,
  salt,
  noncePrefix,
  keyEnvelope,
}: StreamInput): Uint8Array {
  const jwe = Buffer.from(keyEnvelope, 'ascii');
  const fixed = Buffer.alloc(49);
  fixed.set(MAGIC, 0);
  fixed.writeUInt32BE(segmentSize, 4);
  fixed.set(salt, 8);
  fixed.set(noncePrefix, 40);
  fixed.writeUInt16BE(jwe.length, 47);
  return new Uint8Array(Buffer.concat([fixed, jwe]));
}

/** HKDF-SHA-256(ikm = content key, salt, info = "devicebind/stream/v1" ‖ SHA-256(header)). */
export function referenceStreamKey(contentKey: Uint8Array, header: Uint8Array): Uint8Array {
  const info = Buffer.concat([
    Buffer.from('devicebind/stream/v1'),
    createHash('sha256').update(header).digest(),
  ]);
  return new Uint8Array(hkdfSync('sha256', contentKey, header.subarray(8, 40), info, 32));
}

export function referenceNonce(header: Uint8Array, index: number, last: boolean): Uint8Array {
  const nonce = Buffer.alloc(12);
  nonce.set(header.subarray(40, 47));
  nonce.writeUInt32BE(index, 7);
  nonce[11] = last ? 1 : 0;
  return new Uint8Array(nonce);
}

/** One segment: AES-256-GCM(stream key, nonce, plaintext, no AAD) → ciphertext ‖ tag. */
export function referenceSegment(
  streamKey: Uint8Array,
  header: Uint8Array,
  index: number,
  last: boolean,
  plaintext: Uint8Array,
): Uint8Array {
  const cipher = createCipheriv(
    'aes-256-gcm',
    streamKey,
    referenceNonce(header, index, last),
  ) as CipherGCM;
  return new Uint8Array(
    Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]),
  );
}

/** Opens one segment, or returns undefined when it does not authenticate. */
export function referenceOpenSegment(
  streamKey: Uint8Array,
  header: Uint8Array,
  index: number,
  last: boolean,
  sealed: Uint8Array,
): Uint8Array | undefined {
  const decipher = createDecipheriv(
    'aes-256-gcm',
    streamKey,
    referenceNonce(header, index, last),
  ) as DecipherGCM;
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  try {
    return new Uint8Array(
      Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]),
    );
  } catch {
    return undefined;
  }
}

/** The canonical split: full segments, then a final one of 1…S bytes (0 only for an empty plaintext). */
export function splitSegments(plaintext: Uint8Array, segmentSize: number): Uint8Array[] {
  const segments: Uint8Array[] = [];
  let offset = 0;
  while (plaintext.length - offset > segmentSize) {
    segments.push(plaintext.subarray(offset, offset + segmentSize));
    offset += segmentSize;
  }
  segments.push(plaintext.subarray(offset));
  return segments;
}

/** A complete stream; `segments` (plaintexts with their flags) overrides the canonical split. */
export function referenceStream(
  input: StreamInput,
  plaintext: Uint8Array,
  segments?: { data: Uint8Array; index: number; last: boolean }[],
): Uint8Array {
  const header = referenceHeader(input);
  const key = referenceStreamKey(input.contentKey, header);
  const split = splitSegments(plaintext, input.segmentSize);
  const plan =
    segments ?? split.map((data, index) => ({ data, index, last: index === split.length - 1 }));
  return new Uint8Array(
    Buffer.concat([
      header,
      ...plan.map((s) => referenceSegment(key, header, s.index, s.last, s.data)),
    ]),
  );
}

/** ECDH-ES+A256KW / A256GCM compact JWE with a fixed ephemeral key, CEK and IV. */
export function referenceEcdhKeyEnvelope(
  devicePublicPoint: Uint8Array,
  ephemeralPrivate: Uint8Array,
  cek: Uint8Array,
  iv: Uint8Array,
  plaintext: Uint8Array,
): string {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(ephemeralPrivate);
  const epkPoint = ecdh.getPublicKey();
  const z = ecdh.computeSecret(devicePublicPoint);
  const kek = concatKdfReference(z, 'ECDH-ES+A256KW', 32);
  const header = {
    alg: 'ECDH-ES+A256KW',
    enc: 'A256GCM',
    epk: {
      kty: 'EC',
      crv: 'P-256',
      x: b64u(epkPoint.subarray(1, 33)),
      y: b64u(epkPoint.subarray(33)),
    },
  };
  return jweWith(header, aesKeyWrapReference(kek, cek), cek, iv, plaintext);
}

function mgf1(seed: Uint8Array, length: number): Uint8Array {
  const out: Buffer[] = [];
  for (let counter = 0; out.length * 32 < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    out.push(createHash('sha256').update(seed).update(c).digest());
  }
  return new Uint8Array(Buffer.concat(out).subarray(0, length));
}

/** RSAES-OAEP (SHA-256, MGF1-SHA-256, empty label) with a fixed seed (RFC 8017 §7.1.1). */
function oaepEncrypt(publicJwk: JsonWebKey, message: Uint8Array, seed: Uint8Array): Uint8Array {
  const k = Buffer.from(publicJwk.n!, 'base64url').length;
  const lHash = createHash('sha256').digest();
  const db = Buffer.alloc(k - 33);
  db.set(lHash, 0);
  db[db.length - message.length - 1] = 1;
  db.set(message, db.length - message.length);
  const dbMask = mgf1(seed, db.length);
  const maskedDb = db.map((b, i) => b ^ dbMask[i]!);
  const seedMask = mgf1(maskedDb, 32);
  const maskedSeed = seed.map((b, i) => b ^ seedMask[i]!);
  const em = Buffer.concat([Buffer.alloc(1), maskedSeed, maskedDb]);
  const key = createPublicKey({
    key: { kty: 'RSA', n: publicJwk.n!, e: publicJwk.e! },
    format: 'jwk',
  });
  return new Uint8Array(publicEncrypt({ key, padding: constants.RSA_NO_PADDING }, em));
}

/** RSA-OAEP-256 / A256GCM compact JWE with a fixed OAEP seed, CEK and IV. */
export function referenceRsaKeyEnvelope(
  publicJwk: JsonWebKey,
  oaepSeed: Uint8Array,
  cek: Uint8Array,
  iv: Uint8Array,
  plaintext: Uint8Array,
): string {
  return jweWith(
    { alg: 'RSA-OAEP-256', enc: 'A256GCM' },
    oaepEncrypt(publicJwk, cek, oaepSeed),
    cek,
    iv,
    plaintext,
  );
}

function jweWith(
  header: object,
  encryptedKey: Uint8Array,
  cek: Uint8Array,
  iv: Uint8Array,
  plaintext: Uint8Array,
): string {
  const protectedB64 = b64u(JSON.stringify(header));
  const cipher = createCipheriv('aes-256-gcm', cek, iv) as CipherGCM;
  cipher.setAAD(Buffer.from(protectedB64, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [
    protectedB64,
    b64u(encryptedKey),
    b64u(iv),
    b64u(ciphertext),
    b64u(cipher.getAuthTag()),
  ].join('.');
}
