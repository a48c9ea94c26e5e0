// The pure-JS backend on Hermes, React Native's engine (no TextEncoder, no crypto): the
// backend is bundled as a React Native app would be (esbuild, then Babel with the React
// Native preset), run by the hermes CLI, and every result is checked here with node:crypto.

import { execFileSync } from 'node:child_process';
import {
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  generateKeyPairSync,
  hkdfSync,
  privateDecrypt,
  constants as rsaConstants,
} from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildForHermes, hermesTools } from '../../scripts/hermes-bundle.mjs';

const { hermes } = hermesTools();
const entry = fileURLToPath(new URL('./hermes/entry.ts', import.meta.url));

const peer = createECDH('prime256v1');
const peerPoint = peer.generateKeys();
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaJwk = rsa.publicKey.export({ format: 'jwk' }) as { n: string; e: string };

let out: Record<string, string>;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'devicebind-hermes-'));
  const input = {
    ecPeer: {
      x: peerPoint.subarray(1, 33).toString('base64url'),
      y: peerPoint.subarray(33).toString('base64url'),
    },
    rsa: { n: rsaJwk.n, e: rsaJwk.e },
  };
  const program = await buildForHermes(entry, undefined, {
    define: { HERMES_INPUT: JSON.stringify(JSON.stringify(input)) },
  });
  const file = join(dir, 'bundle.js');
  writeFileSync(file, program);
  out = JSON.parse(
    execFileSync(hermes, [file], {
      encoding: 'utf8',
      timeout: 60_000,
      // Hermes warns on stderr about globals it cannot see declared (Promise, print).
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const bytes = (length: number, fill: number) => Buffer.alloc(length, fill);
const unhex = (text: string | undefined) => Buffer.from(text ?? '', 'hex');

describe('pureJsCrypto on Hermes', () => {
  it('runs to the end in an engine without TextEncoder or crypto', () => {
    expect(out.error).toBeUndefined();
    expect(out.textEncoder).toBe('undefined');
    expect(out.cryptoBefore).toBe('undefined');
  });

  it('throws CRYPTO_UNAVAILABLE for random bytes before a getRandomValues polyfill exists', () => {
    expect(out.noRandom).toBe('CRYPTO_UNAVAILABLE');
  });

  it('hashes and derives as node:crypto does', () => {
    expect(unhex(out.sha256)).toEqual(createHash('sha256').update('aaa').digest());
    const expected = Buffer.from(
      hkdfSync('sha256', bytes(22, 0x0b), bytes(13, 1), bytes(10, 2), 42),
    );
    expect(unhex(out.hkdf)).toEqual(expected);
  });

  it('seals AES-256-GCM that node:crypto opens, and refuses a tampered ciphertext', () => {
    const sealed = unhex(out.gcm);
    const decipher = createDecipheriv('aes-256-gcm', bytes(32, 1), bytes(12, 2));
    decipher.setAAD(bytes(1, 1)).setAuthTag(sealed.subarray(-16));
    expect(Buffer.concat([decipher.update(sealed.subarray(0, -16)), decipher.final()])).toEqual(
      bytes(5, 0x68),
    );
    expect(out.gcmTampered).toBe('INVALID_ENVELOPE');
  });

  it('wraps with AES-KW as node:crypto does', () => {
    const cipher = createCipheriv(
      'id-aes128-wrap',
      bytes(16, 3),
      Buffer.from('A6A6A6A6A6A6A6A6', 'hex'),
    );
    expect(unhex(out.kw)).toEqual(Buffer.concat([cipher.update(bytes(32, 4)), cipher.final()]));
  });

  it('runs an ephemeral ECDH whose Z the peer reproduces', () => {
    const ephemeral = Buffer.concat([
      Buffer.of(4),
      Buffer.from(out.ecdhX ?? '', 'base64url'),
      Buffer.from(out.ecdhY ?? '', 'base64url'),
    ]);
    expect(unhex(out.ecdhZ)).toEqual(peer.computeSecret(ephemeral));
  });

  it.each([
    ['rsa256', 'sha256', 5],
    ['rsa1', 'sha1', 6],
  ] as const)('encrypts RSA-OAEP (%s) that node:crypto decrypts', (field, oaepHash, fill) => {
    const opened = privateDecrypt(
      { key: rsa.privateKey, padding: rsaConstants.RSA_PKCS1_OAEP_PADDING, oaepHash },
      unhex(out[field]),
    );
    expect(opened).toEqual(bytes(32, fill));
  });
});
