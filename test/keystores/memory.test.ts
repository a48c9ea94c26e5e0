import { describe, expect, it } from 'vitest';
import { DeviceBindingError } from '../../src/core/errors.js';
import { MemoryKeyStore } from '../../src/keystores/memory/index.js';

const seed = new Uint8Array(32).fill(7);

describe('MemoryKeyStore', () => {
  it('makes the same keys from the same seed and alias', async () => {
    const a = await new MemoryKeyStore({ seed }).generateKey('app.signing', {
      purpose: 'sign',
      algorithm: 'ES256',
    });
    const b = await new MemoryKeyStore({ seed }).generateKey('app.signing', {
      purpose: 'sign',
      algorithm: 'ES256',
    });
    expect(b.publicKey).toEqual(a.publicKey);
  });

  it('makes different keys for other aliases, algorithms and seeds', async () => {
    const store = new MemoryKeyStore({ seed });
    const base = await store.generateKey('app.signing', { purpose: 'sign', algorithm: 'ES256' });
    const otherAlias = await store.generateKey('app.other', {
      purpose: 'sign',
      algorithm: 'ES256',
    });
    const otherSeed = await new MemoryKeyStore({ seed: new Uint8Array(32).fill(8) }).generateKey(
      'app.signing',
      {
        purpose: 'sign',
        algorithm: 'ES256',
      },
    );
    expect(otherAlias.publicKey).not.toEqual(base.publicKey);
    expect(otherSeed.publicKey).not.toEqual(base.publicKey);
  });

  it('makes random keys without a seed', async () => {
    const spec = { purpose: 'sign', algorithm: 'EdDSA' } as const;
    const a = await new MemoryKeyStore().generateKey('k', spec);
    const b = await new MemoryKeyStore().generateKey('k', spec);
    expect(a.publicKey).not.toEqual(b.publicKey);
  });

  it('is not affected when the caller later changes the seed buffer', async () => {
    const mutable = seed.slice();
    const store = new MemoryKeyStore({ seed: mutable });
    mutable.fill(0);
    const key = await store.generateKey('app.signing', { purpose: 'sign', algorithm: 'ES256' });
    const expected = await new MemoryKeyStore({ seed }).generateKey('app.signing', {
      purpose: 'sign',
      algorithm: 'ES256',
    });
    expect(key.publicKey).toEqual(expected.publicKey);
  });

  it('takes a seed given as an ArrayBuffer as the bytes it holds', async () => {
    const spec = { purpose: 'sign', algorithm: 'ES256' } as const;
    const fromBuffer = await new MemoryKeyStore({ seed: seed.slice().buffer }).generateKey(
      'k',
      spec,
    );
    const fromBytes = await new MemoryKeyStore({ seed }).generateKey('k', spec);
    expect(fromBuffer.publicKey).toEqual(fromBytes.publicKey);
  });

  it('signs data given as an ArrayBuffer as the bytes it holds', async () => {
    const spec = { purpose: 'sign', algorithm: 'EdDSA' } as const;
    const store = new MemoryKeyStore({ seed });
    await store.generateKey('k', spec);
    const data = Uint8Array.of(1, 2, 3);
    // Ed25519 is deterministic: the same bytes give the same signature.
    expect(await store.sign('k', data.slice().buffer as never)).toEqual(
      await store.sign('k', data),
    );
  });

  it('refuses data to sign that is not bytes, naming it', async () => {
    const store = new MemoryKeyStore();
    await store.generateKey('k', { purpose: 'sign', algorithm: 'ES256' });
    await expect(store.sign('k', 'abc' as never)).rejects.toThrow(
      '"data" must be a Uint8Array or an ArrayBuffer',
    );
  });

  it('refuses a seed that is not bytes', () => {
    expect(() => new MemoryKeyStore({ seed: 'abc' as never })).toThrow(DeviceBindingError);
  });

  it('says honestly that it has no hardware, no RSA and no persistence', async () => {
    expect(await new MemoryKeyStore().capabilities()).toMatchObject({
      encryption: ['ECDH-ES'],
      hardwareBacked: false,
      persistent: false,
      userAuthentication: false,
    });
    await expect(
      new MemoryKeyStore().generateKey('k', { purpose: 'encrypt', algorithm: 'RSA-OAEP-256' }),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED_ALGORITHM' });
  });
});
