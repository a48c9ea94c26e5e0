// ECDH on P-256 against Wycheproof's WebCrypto-form vectors: each backend's ecdhEphemeral
// gives the Z its peer computes, and refuses every invalid public key (points off the
// curve, other curves); WebCryptoKeyStore.deriveSharedSecret refuses them too.

import { beforeAll, describe, expect, it } from 'vitest';
import type { EcPublicJwk, PublicJwk } from '../../src/core/jwk.js';
import { WebCryptoKeyStore } from '../../src/keystores/webcrypto/index.js';
import { BACKENDS, selectTests, type WycheproofFile } from '../helpers/webcrypto-backends.js';
import { expectFailure } from '../helpers/webcrypto-expect.js';
import { WEBCRYPTO_IMPLEMENTATIONS } from '../helpers/webcrypto-implementations.js';
import { loadVector } from '../setup/vectors.js';

interface Jwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  d?: string;
}
interface Inputs {
  public: Jwk;
  private: Jwk;
  shared: string;
}

const file = loadVector<WycheproofFile<object, Inputs>>(
  'wycheproof/ecdh_secp256r1_webcrypto_test.json',
);
const tests = selectTests(file, () => true);
const valid = tests.filter((t) => t.result === 'valid');
const invalid = tests.filter((t) => t.result === 'invalid');
const { subtle } = globalThis.crypto;
const ECDH = { name: 'ECDH', namedCurve: 'P-256' };

async function peerSecret(privateJwk: Jwk, ephemeral: EcPublicJwk): Promise<Uint8Array> {
  const privateKey = await subtle.importKey('jwk', privateJwk, ECDH, false, ['deriveBits']);
  const publicKey = await subtle.importKey(
    'jwk',
    { kty: 'EC', crv: 'P-256', x: ephemeral.x, y: ephemeral.y },
    ECDH,
    true,
    [],
  );
  return new Uint8Array(
    await subtle.deriveBits({ name: 'ECDH', public: publicKey }, privateKey, 256),
  );
}

const publicPart = ({ kty, crv, x, y }: Jwk) => ({ kty, crv, x, y }) as EcPublicJwk;

describe.each(BACKENDS)('ecdhEphemeral of $name', ({ backend }) => {
  it('runs every case: 330 valid, 23 invalid', () => {
    expect([valid.length, invalid.length]).toEqual([330, 23]);
  });

  it.each(valid)(
    'tcId $tcId ($flags): Z equals what the peer derives from the ephemeral key',
    async (t) => {
      const peer = publicPart(t.private);
      const { ephemeralPublicKey, sharedSecret } = await backend.ecdhEphemeral(peer);
      expect(Object.keys(ephemeralPublicKey).sort()).toEqual(['crv', 'kty', 'x', 'y']);
      expect(sharedSecret).toEqual(await peerSecret(t.private, ephemeralPublicKey));
    },
  );

  it.each(valid)('tcId $tcId ($flags): accepts the edge-case public key as a peer', async (t) => {
    const { sharedSecret } = await backend.ecdhEphemeral(publicPart(t.public));
    expect(sharedSecret).toHaveLength(32);
  });

  it.each(invalid)('tcId $tcId ($comment): refuses the public key', async (t) => {
    await expect(backend.ecdhEphemeral(t.public as unknown as EcPublicJwk)).rejects.toThrow();
  });

  it('uses a fresh ephemeral key each time', async () => {
    const peer = publicPart(valid[0]!.private);
    const [a, b] = await Promise.all([backend.ecdhEphemeral(peer), backend.ecdhEphemeral(peer)]);
    expect(a.ephemeralPublicKey).not.toEqual(b.ephemeralPublicKey);
    expect(a.sharedSecret).not.toEqual(b.sharedSecret);
  });
});

describe.each(WEBCRYPTO_IMPLEMENTATIONS)(
  'WebCryptoKeyStore.deriveSharedSecret on $name',
  ({ crypto }) => {
    const store = new WebCryptoKeyStore({ crypto, storage: 'memory' });
    beforeAll(async () => {
      await store.generateKey('ecdh', { purpose: 'encrypt', algorithm: 'ECDH-ES' });
    });

    it.each(invalid)(
      'tcId $tcId ($comment): refuses the peer key with INVALID_ARGUMENT',
      async (t) => {
        await expectFailure(
          store.deriveSharedSecret('ecdh', t.public as unknown as PublicJwk),
          'INVALID_ARGUMENT',
        );
      },
    );

    it.each(valid.filter((t) => t.flags.includes('EdgeCaseSharedSecret')))(
      'tcId $tcId (edge-case shared secret): accepts the peer key',
      async (t) => {
        expect(await store.deriveSharedSecret('ecdh', publicPart(t.public))).toHaveLength(32);
      },
    );
  },
);
