// DPoP proofs: signing (raw WebCrypto, jose, dpop, DeviceBinding.signRequest) and verifying
// (raw WebCrypto, jose with EmbeddedJWK, jose with an imported key, verifyRequest), with and
// without an access token (`ath`), one at a time and 16 in flight.

import { generateProof } from 'dpop';
import { EmbeddedJWK, importJWK, jwtVerify, SignJWT } from 'jose';
import * as deviceBindingModule from '../src/core/device-binding.js';
import * as webCryptoStoreModule from '../src/keystores/webcrypto/index.js';
import { MemoryReplayCache } from '../src/server/index.js';
import { type BenchCase, type BenchGroup, defineBench, isMissingModule } from './lib/bench.js';
import { athOf, benchDevice, proofPool, randomJti, verifyRequestCase } from './lib/proof-pool.js';

const subtle = globalThis.crypto.subtle;
const ES256 = { name: 'ECDSA', hash: 'SHA-256' } as const;
const URL = 'https://api.example.com/v1/items/42';
const encoder = new TextEncoder();

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** Proofs for the verify cases: unique jtis, so the replay cache accepts each once. */
const POOL_SIZE = 20_000;

export default defineBench(async () => {
  const device = await benchDevice();
  const { pair, jwk, header } = device;
  const iat = () => Math.floor(Date.now() / 1000);

  const encodedHeader = b64url(encoder.encode(JSON.stringify(header)));
  // A typical proof's signing input, for the raw baselines.
  const typicalInput = encoder.encode(
    `${b64url(encoder.encode(JSON.stringify(header)))}.${b64url(encoder.encode(JSON.stringify({ jti: randomJti(), htm: 'GET', htu: URL, iat: iat() })))}`,
  );

  // ---- signing
  const notes: string[] = [];
  const signCases: BenchCase[] = [
    { name: 'raw subtle.sign', run: () => subtle.sign(ES256, pair.privateKey, typicalInput) },
    {
      name: 'jose SignJWT',
      run: () =>
        new SignJWT({ jti: randomJti(), htm: 'GET', htu: URL, iat: iat() })
          .setProtectedHeader(header)
          .sign(pair.privateKey),
    },
    { name: 'dpop generateProof', run: () => generateProof(pair, URL, 'GET') },
    // The least a proof can cost: no checks, no store, the header encoded once.
    {
      name: 'hand-rolled JWS',
      run: async () => {
        const payload = { jti: randomJti(), htm: 'GET', htu: URL, iat: iat() };
        const input = `${encodedHeader}.${b64url(encoder.encode(JSON.stringify(payload)))}`;
        const signature = await subtle.sign(ES256, pair.privateKey, encoder.encode(input));
        return `${input}.${b64url(new Uint8Array(signature))}`;
      },
    },
  ];
  if (isMissingModule(deviceBindingModule) || isMissingModule(webCryptoStoreModule)) {
    notes.push(
      'signRequest skipped: DeviceBinding or WebCryptoKeyStore (src/keystores/webcrypto) is not there yet',
    );
  } else {
    const binding = new deviceBindingModule.DeviceBinding({
      keyStore: new webCryptoStoreModule.WebCryptoKeyStore({ storage: 'memory' }),
      namespace: 'bench.proofs',
    });
    await binding.ensureKeys();
    signCases.push({
      name: 'signRequest (WebCryptoKeyStore)',
      run: () => binding.signRequest({ method: 'GET', url: URL }),
    });
  }

  // ---- verifying
  const pool = await proofPool(device, POOL_SIZE, URL);
  const firstProof = pool[0]!;
  const rawInput = encoder.encode(firstProof.slice(0, firstProof.lastIndexOf('.')));
  const rawSignature = Buffer.from(firstProof.slice(firstProof.lastIndexOf('.') + 1), 'base64url');
  const importedKey = await importJWK(jwk, 'ES256');
  const joseOptions = { typ: 'dpop+jwt', algorithms: ['ES256'] };

  const cursor = (): (() => string) => {
    let i = 0;
    return () => pool[i++ % POOL_SIZE]!;
  };
  const nextForEmbedded = cursor();
  const nextForImported = cursor();
  // One device sends every proof here: its share of the cache must hold the whole pool.
  const newReplayCache = () =>
    new MemoryReplayCache({ maxEntries: POOL_SIZE, maxEntriesPerDevice: POOL_SIZE });
  const verifyCases: BenchCase[] = [
    {
      name: 'raw subtle.verify',
      run: () => subtle.verify(ES256, pair.publicKey, rawSignature, rawInput),
    },
    {
      name: 'jose jwtVerify EmbeddedJWK',
      run: () => jwtVerify(nextForEmbedded(), EmbeddedJWK, joseOptions),
    },
    {
      name: 'jose jwtVerify imported key',
      run: () => jwtVerify(nextForImported(), importedKey, joseOptions),
    },
    verifyRequestCase('verifyRequest (replay cache)', device, pool, URL, newReplayCache),
  ];

  // ---- verifying with an access token: the `ath` check on top of the signature.
  // A JWT access token of a typical size (about 700 characters).
  const accessToken = `eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9.${b64url(crypto.getRandomValues(new Uint8Array(420)))}.${b64url(crypto.getRandomValues(new Uint8Array(64)))}`;
  const tokenPool = await proofPool(device, POOL_SIZE, URL, accessToken);
  const nextForJoseAth = (() => {
    let i = 0;
    return () => tokenPool[i++ % POOL_SIZE]!;
  })();
  const tokenCases: BenchCase[] = [
    verifyCases[0]!,
    {
      // What a resource server on jose does: verify, then hash the token and compare.
      name: 'jose jwtVerify EmbeddedJWK + ath digest',
      run: async () => {
        const { payload } = await jwtVerify(nextForJoseAth(), EmbeddedJWK, joseOptions);
        if (payload.ath !== (await athOf(accessToken))) throw new Error('ath mismatch');
      },
    },
    verifyRequestCase(
      'verifyRequest + access token (replay cache)',
      device,
      tokenPool,
      URL,
      newReplayCache,
      accessToken,
    ),
  ];
  const withToken = (inFlight: number, label: string): BenchGroup => ({
    name: `DPoP proof verification with an access token (ES256), ${label}`,
    baseline: 'raw subtle.verify',
    cases: tokenCases,
    inFlight,
    ratios: [
      [
        'verifyRequest + token / raw verify',
        'verifyRequest + access token (replay cache)',
        'raw subtle.verify',
      ],
      [
        'verifyRequest + token / jose + ath',
        'verifyRequest + access token (replay cache)',
        'jose jwtVerify EmbeddedJWK + ath digest',
      ],
    ],
  });

  // One proof at a time measures a request's latency; with calls in flight, the thread
  // pool's wake-up time overlaps and the figure is throughput (16 saturates two cores).
  const signing = (inFlight: number, label: string): BenchGroup => ({
    name: `DPoP proof signing (ES256), ${label}`,
    baseline: 'raw subtle.sign',
    cases: signCases,
    inFlight,
    ratios: [
      ['signRequest / raw sign', 'signRequest (WebCryptoKeyStore)', 'raw subtle.sign'],
      ['signRequest / jose SignJWT', 'signRequest (WebCryptoKeyStore)', 'jose SignJWT'],
      ['signRequest / hand-rolled JWS', 'signRequest (WebCryptoKeyStore)', 'hand-rolled JWS'],
    ],
    notes,
  });

  return [
    signing(1, 'one at a time'),
    signing(4, '4 in flight'),
    signing(16, '16 in flight'),
    {
      name: 'DPoP proof verification (ES256)',
      baseline: 'raw subtle.verify',
      cases: verifyCases,
      ratios: [
        [
          'verifyRequest / jose EmbeddedJWK',
          'verifyRequest (replay cache)',
          'jose jwtVerify EmbeddedJWK',
        ],
        [
          'verifyRequest / jose imported key',
          'verifyRequest (replay cache)',
          'jose jwtVerify imported key',
        ],
      ],
    },
    withToken(1, 'one at a time'),
    withToken(16, '16 in flight'),
  ];
});
