// Sealing gives confidentiality and install binding, not origin (docs/formats/sealed.md):
// a value made from the public device id and encryption key alone, with an independent JWE
// library, opens with unseal. These tests pin that documented limit.

import { FlattenedEncrypt, importJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { seal, unseal } from '../../src/envelopes.js';
import { DeviceBinding } from '../../src/index.js';
import { MemoryKeyStore } from '../../src/keystores/memory/index.js';

/** docs/formats/sealed.md, written out: label ‖ u32 len ‖ device id ‖ u32 len ‖ context. */
function sealAad(deviceId: string, context: string): Uint8Array {
  const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
  const id = Buffer.from(deviceId);
  const ctx = Buffer.from(context);
  return Buffer.concat([
    Buffer.from('devicebind/sealed/v1'),
    u32(id.length),
    id,
    u32(ctx.length),
    ctx,
  ]);
}

/** A sealed value made with jose from the public values only, as anyone holding them could. */
async function forge(
  deviceId: string,
  encryptionKey: Record<string, unknown>,
  context: string,
  content: Uint8Array,
): Promise<string> {
  const alg = encryptionKey.alg === 'ECDH-ES' ? 'ECDH-ES+A256KW' : (encryptionKey.alg as string);
  const jwe = await new FlattenedEncrypt(content)
    .setProtectedHeader({ alg, enc: 'A256GCM' })
    .setAdditionalAuthenticatedData(sealAad(deviceId, context))
    .encrypt(await importJWK(encryptionKey as JWK, alg));
  return [jwe.protected, jwe.encrypted_key, jwe.iv, jwe.ciphertext, jwe.tag].join('.');
}

describe('sealed values are not origin-authenticated (documented)', () => {
  it('opens a value forged from only the public device id and encryption key', async () => {
    const binding = new DeviceBinding({
      keyStore: new MemoryKeyStore(),
      namespace: 'com.example.app',
    });
    // What the server (and anyone who reads its database) learns from the handshake.
    const { deviceId, encryptionKey } = await binding.createHandshake({ nonce: 'n-1' });
    const planted = new TextEncoder().encode("the attacker's refresh token");
    const forged = await forge(deviceId, { ...encryptionKey }, 'refresh-token', planted);
    expect(await unseal(binding, forged, { context: 'refresh-token' })).toEqual(planted);
  });

  it('still keeps a forged value to the install and context it was made for', async () => {
    const binding = new DeviceBinding({
      keyStore: new MemoryKeyStore(),
      namespace: 'com.example.app',
    });
    const { deviceId, encryptionKey } = await binding.createHandshake({ nonce: 'n-1' });
    const forged = await forge(deviceId, { ...encryptionKey }, 'refresh-token', Uint8Array.of(1));
    await expect(unseal(binding, forged, { context: 'other' })).rejects.toMatchObject({
      code: 'INVALID_ENVELOPE',
    });
  });

  it('seals without using the private key, so sealing never prompts', async () => {
    const store = new MemoryKeyStore();
    const binding = new DeviceBinding({ keyStore: store, namespace: 'com.example.app' });
    await binding.ensureKeys();
    const used: string[] = [];
    for (const operation of ['sign', 'decrypt', 'deriveSharedSecret'] as const) {
      const original = store[operation].bind(store);
      store[operation] = ((...args: never[]) => {
        used.push(operation);
        return (original as (...a: never[]) => unknown)(...args);
      }) as never;
    }
    const sealed = await seal(binding, Uint8Array.of(1, 2, 3), { context: 'c' });
    expect(used).toEqual([]);
    await unseal(binding, sealed, { context: 'c' });
    expect(used).toEqual(['deriveSharedSecret']);
  });
});
