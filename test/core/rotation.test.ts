// Key rotation on the client (devicebind/rotation) over the memory store: the token both keys
// sign, commit and abort, what a new binding over the same store sees, interrupted rotations,
// the previous keys' life, and what the functions refuse.

import { describe, expect, it } from 'vitest';
import { seal, unseal } from '../../src/envelopes.js';
import {
  DeviceBinding,
  DeviceBindingError,
  type KeyOperationOptions,
  type KeyStore,
} from '../../src/index.js';
import { MemoryKeyStore } from '../../src/keystores/memory/index.js';
import {
  forgetPreviousKeys,
  pendingRotation,
  previousKeys,
  rotateKeys,
} from '../../src/rotation.js';
import { thumbprint, verifyEmbeddedJws } from '../helpers/verify-jws.js';
import { cryptoOption } from '../setup/crypto-option.js';

const NS = 'com.example.rotate';
const secret = new TextEncoder().encode('refresh-token-value');

function newBinding(
  keyStore: KeyStore = new MemoryKeyStore(),
  extra: Partial<ConstructorParameters<typeof DeviceBinding>[0]> = {},
) {
  return new DeviceBinding({ keyStore, namespace: NS, ...cryptoOption(), ...extra });
}

async function bound(store = new MemoryKeyStore()) {
  const binding = newBinding(store);
  const { deviceId, encryptionKey } = await binding.ensureKeys();
  return { store, binding, deviceId, encryptionKey };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeviceBindingError);
  return (err as DeviceBindingError).code;
}

function decodePart(token: string, index: number): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString('utf8'));
}

describe('rotateKeys: the token', () => {
  it('is a JWS of the old key that names the new key and wraps a handshake the new key signs', async () => {
    const { binding, deviceId } = await bound();
    const rotation = await rotateKeys(binding, {
      nonce: 'server-nonce-1',
      claims: { why: 'policy' },
    });

    const outer = verifyEmbeddedJws(rotation.token);
    expect(outer.header.typ).toBe('devicebind-rotation+jwt');
    expect(thumbprint(outer.header.jwk)).toBe(deviceId);
    expect(Object.keys(outer.payload)).toEqual(['new_device_id', 'handshake']);
    expect(outer.payload.new_device_id).toBe(rotation.deviceId);

    const inner = verifyEmbeddedJws(outer.payload.handshake as string);
    expect(inner.header.typ).toBe('devicebind-rotation-handshake+jwt');
    expect(thumbprint(inner.header.jwk)).toBe(rotation.deviceId);
    expect(inner.payload).toMatchObject({
      why: 'policy',
      nonce: 'server-nonce-1',
      device_id: rotation.deviceId,
      previous_device_id: deviceId,
      encryption_key: rotation.encryptionKey,
    });
    expect(typeof inner.payload.iat).toBe('number');
    expect(typeof inner.payload.jti).toBe('string');
    expect(rotation.previousDeviceId).toBe(deviceId);
    expect(rotation.deviceId).not.toBe(deviceId);
  });

  it('writes the outer header as typ, alg, jwk and nothing else', async () => {
    const { binding } = await bound();
    const rotation = await rotateKeys(binding, { nonce: 'n' });
    expect(Object.keys(decodePart(rotation.token, 0))).toEqual(['typ', 'alg', 'jwk']);
    const inner = (decodePart(rotation.token, 1) as { handshake: string }).handshake;
    expect(Object.keys(decodePart(inner, 0))).toEqual(['typ', 'alg', 'jwk']);
  });

  it('makes the new keys with the options given, else with the binding’s', async () => {
    const { binding } = await bound();
    const rotation = await rotateKeys(binding, { nonce: 'n', signingAlgorithm: 'EdDSA' });
    expect(rotation.signingKey.kty).toBe('OKP');
    expect(rotation.encryptionKey.kty).toBe('EC');
    await rotation.commit();
    const proof = (await binding.signRequest({ method: 'GET', url: 'https://api.example.com/' }))
      .DPoP;
    expect(verifyEmbeddedJws(proof).header.alg).toBe('EdDSA');
  });

  it('takes the new keys back when making them fails, so nothing is left pending', async () => {
    const { store, binding, deviceId } = await bound();
    const before = (await store.listAliases()).sort();
    // The memory store makes no RSA keys: the new signing key exists when this fails.
    expect(
      await codeOf(rotateKeys(binding, { nonce: 'n', encryptionAlgorithm: 'RSA-OAEP-256' })),
    ).toBe('UNSUPPORTED_ALGORITHM');
    expect((await store.listAliases()).sort()).toEqual(before);
    expect(await pendingRotation(binding)).toBeNull();
    expect(await binding.getDeviceId()).toBe(deviceId);
  });

  it('signs the current key with the binding’s sign prompt, once per key', async () => {
    const inner = new MemoryKeyStore();
    const prompts: unknown[] = [];
    const store: KeyStore = {
      name: 'recording',
      capabilities: () => inner.capabilities(),
      generateKey: (alias, spec) => inner.generateKey(alias, spec),
      getKey: (alias) => inner.getKey(alias),
      sign: (alias, data, options?: KeyOperationOptions) => {
        prompts.push(options?.prompt);
        return inner.sign(alias, data);
      },
      deriveSharedSecret: (alias, peer) => inner.deriveSharedSecret(alias, peer),
      decrypt: (alias) => inner.decrypt(alias),
      deleteKey: (alias) => inner.deleteKey(alias),
      listAliases: () => inner.listAliases(),
    };
    const prompt = { title: 'Confirm the key change' };
    const binding = newBinding(store, { prompts: { sign: prompt } });
    await binding.ensureKeys();
    await rotateKeys(binding, { nonce: 'n' });
    expect(prompts).toEqual([prompt, prompt]);
  });
});

describe('rotateKeys: before commit', () => {
  it('leaves the binding on its current keys', async () => {
    const { store, binding, deviceId } = await bound();
    await rotateKeys(binding, { nonce: 'n' });
    expect(await binding.getDeviceId()).toBe(deviceId);
    const proof = (await binding.signRequest({ method: 'GET', url: 'https://api.example.com/' }))
      .DPoP;
    expect(thumbprint(verifyEmbeddedJws(proof).header.jwk)).toBe(deviceId);
    expect(await newBinding(store).getDeviceId()).toBe(deviceId);
  });
});

describe('commit', () => {
  it('makes the new keys current for this binding and for a new one over the same store', async () => {
    const { store, binding } = await bound();
    const rotation = await rotateKeys(binding, { nonce: 'n' });
    const keys = await rotation.commit();
    expect(keys.deviceId).toBe(rotation.deviceId);
    expect(await binding.getDeviceId()).toBe(rotation.deviceId);
    const proof = (await binding.signRequest({ method: 'GET', url: 'https://api.example.com/' }))
      .DPoP;
    expect(thumbprint(verifyEmbeddedJws(proof).header.jwk)).toBe(rotation.deviceId);
    const restarted = newBinding(store);
    const again = await restarted.ensureKeys();
    expect(again.created).toBe(false);
    expect(again.deviceId).toBe(rotation.deviceId);
    expect(again.encryptionKey.publicKey).toEqual(rotation.encryptionKey);
  });

  it('can be called again', async () => {
    const { binding } = await bound();
    const rotation = await rotateKeys(binding, { nonce: 'n' });
    await rotation.commit();
    expect((await rotation.commit()).deviceId).toBe(rotation.deviceId);
  });

  it('keeps the previous keys, which still open what was sealed before', async () => {
    const { store, binding, deviceId } = await bound();
    const sealed = await seal(binding, secret, { context: 'rt' });
    const rotation = await rotateKeys(binding, { nonce: 'n' });
    await rotation.commit();
    expect(await previousKeys(binding)).toMatchObject({ deviceId });
    expect(await unseal(binding, sealed, { context: 'rt' })).toEqual(secret);
    expect(await unseal(newBinding(store), sealed, { context: 'rt' })).toEqual(secret);
  });

  it('seals new values to the new keys only', async () => {
    const { binding } = await bound();
    await (await rotateKeys(binding, { nonce: 'n' })).commit();
    const sealed = await seal(binding, secret, { context: 'rt' });
    await forgetPreviousKeys(binding);
    expect(await unseal(binding, sealed, { context: 'rt' })).toEqual(secret);
  });

  it('refuses a rotation that was aborted', async () => {
    const { binding } = await bound();
    const rotation = await rotateKeys(binding, { nonce: 'n' });
    await rotation.abort();
    expect(await codeOf(rotation.commit())).toBe('ROTATION_CONFLICT');
  });

  it('refuses a rotation that another one replaced', async () => {
    const { binding } = await bound();
    const first = await rotateKeys(binding, { nonce: 'n' });
    await first.abort();
    const second = await rotateKeys(binding, { nonce: 'n2' });
    expect(await codeOf(first.commit())).toBe('ROTATION_CONFLICT');
    expect((await second.commit()).deviceId).toBe(second.deviceId);
  });
});

describe('abort', () => {
  it('deletes the new keys and leaves the current ones as they were', async () => {
    const { store, binding, deviceId } = await bound();
    const before = (await store.listAliases()).sort();
    const rotation = await rotateKeys(binding, { nonce: 'n' });
    await rotation.abort();
    expect((await store.listAliases()).sort()).toEqual(before);
    expect(await binding.getDeviceId()).toBe(deviceId);
    expect(await newBinding(store).getDeviceId()).toBe(deviceId);
    expect(await pendingRotation(binding)).toBeNull();
  });

  it('can be called again', async () => {
    const { binding } = await bound();
    const rotation = await rotateKeys(binding, { nonce: 'n' });
    await rotation.abort();
    await rotation.abort();
    expect(await pendingRotation(binding)).toBeNull();
  });

  it('refuses once the rotation was committed', async () => {
    const { binding } = await bound();
    const rotation = await rotateKeys(binding, { nonce: 'n' });
    await rotation.commit();
    expect(await codeOf(rotation.abort())).toBe('ROTATION_CONFLICT');
    expect(await binding.getDeviceId()).toBe(rotation.deviceId);
  });
});

describe('pendingRotation', () => {
  it('is null when no rotation was begun', async () => {
    const { binding } = await bound();
    expect(await pendingRotation(binding)).toBeNull();
  });

  it('finds a rotation left without commit or abort, from a new binding', async () => {
    const { store, binding, deviceId } = await bound();
    const rotation = await rotateKeys(binding, { nonce: 'n' });
    const pending = await pendingRotation(newBinding(store));
    expect(pending).toMatchObject({
      complete: true,
      deviceId: rotation.deviceId,
      previousDeviceId: deviceId,
    });
  });

  it('resumes with a fresh token for the same new keys', async () => {
    const { store, binding } = await bound();
    const rotation = await rotateKeys(binding, { nonce: 'first' });
    const restarted = newBinding(store);
    const pending = await pendingRotation(restarted);
    const resumed = await pending!.resume({ nonce: 'second' });
    expect(resumed.deviceId).toBe(rotation.deviceId);
    expect(resumed.token).not.toBe(rotation.token);
    const inner = verifyEmbeddedJws(verifyEmbeddedJws(resumed.token).payload.handshake as string);
    expect(inner.payload.nonce).toBe('second');
    await resumed.commit();
    expect(await restarted.getDeviceId()).toBe(rotation.deviceId);
  });

  it('commits without a new token when the app knows the server accepted', async () => {
    const { store, binding } = await bound();
    const rotation = await rotateKeys(binding, { nonce: 'n' });
    const restarted = newBinding(store);
    await (await pendingRotation(restarted))!.commit();
    expect(await restarted.getDeviceId()).toBe(rotation.deviceId);
  });

  it('aborts from a new binding', async () => {
    const { store, binding, deviceId } = await bound();
    await rotateKeys(binding, { nonce: 'n' });
    const restarted = newBinding(store);
    await (await pendingRotation(restarted))!.abort();
    expect(await pendingRotation(restarted)).toBeNull();
    expect(await restarted.getDeviceId()).toBe(deviceId);
  });

  it('reports a rotation whose keys were never all made as incomplete, which only aborts', async () => {
    const { store, binding, deviceId } = await bound();
    // The app died after the marker and the new signing key, before the encryption key.
    await store.generateKey(`${NS}.pending.1`, { purpose: 'sign', algorithm: 'ES256' });
    await store.generateKey(`${NS}.signing.1`, { purpose: 'sign', algorithm: 'ES256' });
    const pending = await pendingRotation(binding);
    expect(pending?.complete).toBe(false);
    expect(await codeOf(pending!.commit())).toBe('ROTATION_CONFLICT');
    await pending!.abort();
    expect(await pendingRotation(binding)).toBeNull();
    expect(await binding.getDeviceId()).toBe(deviceId);
  });

  it('finishes an incomplete rotation on resume', async () => {
    const { store, binding } = await bound();
    // The app died after the marker and the new encryption key, before the signing key.
    await store.generateKey(`${NS}.pending.1`, { purpose: 'sign', algorithm: 'ES256' });
    await store.generateKey(`${NS}.encryption.1`, { purpose: 'encrypt', algorithm: 'ECDH-ES' });
    const pending = await pendingRotation(binding);
    expect(pending).toMatchObject({ complete: false, deviceId: null });
    const resumed = await pending!.resume({ nonce: 'n' });
    await resumed.commit();
    expect(await binding.getDeviceId()).toBe(resumed.deviceId);
  });

  it('ignores a marker left without any new key (nothing was made, nothing to resume)', async () => {
    const { store, binding } = await bound();
    await store.generateKey(`${NS}.pending.1`, { purpose: 'sign', algorithm: 'ES256' });
    expect(await pendingRotation(binding)).toBeNull();
    const rotation = await rotateKeys(binding, { nonce: 'n' });
    await rotation.commit();
    expect(await binding.getDeviceId()).toBe(rotation.deviceId);
  });
});

describe('rotateKeys refuses', () => {
  it('while another rotation is pending', async () => {
    const { binding } = await bound();
    await rotateKeys(binding, { nonce: 'n' });
    expect(await codeOf(rotateKeys(binding, { nonce: 'n2' }))).toBe('ROTATION_CONFLICT');
  });

  it('while the previous keys are still kept, until they are forgotten', async () => {
    const { binding } = await bound();
    await (await rotateKeys(binding, { nonce: 'n' })).commit();
    expect(await codeOf(rotateKeys(binding, { nonce: 'n2' }))).toBe('ROTATION_CONFLICT');
    await forgetPreviousKeys(binding);
    const second = await rotateKeys(binding, { nonce: 'n3' });
    await second.commit();
    expect(await binding.getDeviceId()).toBe(second.deviceId);
  });

  it('a binding without keys, and writes nothing', async () => {
    const store = new MemoryKeyStore();
    expect(await codeOf(rotateKeys(newBinding(store), { nonce: 'n' }))).toBe('KEY_NOT_FOUND');
    expect(await store.listAliases()).toEqual([]);
  });

  it.each([
    ['no nonce', {}],
    ['an empty nonce', { nonce: '' }],
    ['a nonce of 1025 characters', { nonce: 'n'.repeat(1025) }],
    ['claims that are not an object', { nonce: 'n', claims: 'x' }],
    ['a reserved handshake claim', { nonce: 'n', claims: { device_id: 'x' } }],
    ['the rotation’s own claim', { nonce: 'n', claims: { previous_device_id: 'x' } }],
  ])('%s (INVALID_ARGUMENT)', async (_, options) => {
    const { binding } = await bound();
    expect(await codeOf(rotateKeys(binding, options as never))).toBe('INVALID_ARGUMENT');
  });

  it('something that is not a DeviceBinding (INVALID_ARGUMENT)', async () => {
    expect(await codeOf(rotateKeys({} as never, { nonce: 'n' }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(pendingRotation(null as never))).toBe('INVALID_ARGUMENT');
  });
});

describe('previous keys', () => {
  it('are none before any rotation, and none after they are forgotten', async () => {
    const { binding } = await bound();
    expect(await previousKeys(binding)).toBeNull();
    await (await rotateKeys(binding, { nonce: 'n' })).commit();
    expect(await previousKeys(binding)).not.toBeNull();
    await forgetPreviousKeys(binding);
    expect(await previousKeys(binding)).toBeNull();
  });

  it('no longer open old sealed values once forgotten; re-sealed ones still do', async () => {
    const { binding } = await bound();
    const old = await seal(binding, secret, { context: 'rt' });
    await (await rotateKeys(binding, { nonce: 'n' })).commit();
    const migrated = await seal(binding, await unseal(binding, old, { context: 'rt' }), {
      context: 'rt',
    });
    await forgetPreviousKeys(binding);
    expect(await codeOf(unseal(binding, old, { context: 'rt' }))).toBe('INVALID_ENVELOPE');
    expect(await unseal(binding, migrated, { context: 'rt' })).toEqual(secret);
  });

  it('open nothing sealed for another install, with a rotation pending or not', async () => {
    const { binding } = await bound();
    const rotation = await rotateKeys(binding, { nonce: 'n' });
    const stranger = newBinding(new MemoryKeyStore());
    const foreign = await seal(stranger, secret, { context: 'rt' });
    expect(await codeOf(unseal(binding, foreign, { context: 'rt' }))).toBe('INVALID_ENVELOPE');
    await rotation.commit();
    expect(await codeOf(unseal(binding, foreign, { context: 'rt' }))).toBe('INVALID_ENVELOPE');
  });

  it('leave unbind nothing to keep: both slots go', async () => {
    const { store, binding } = await bound();
    const sealed = await seal(binding, secret, { context: 'rt' });
    await (await rotateKeys(binding, { nonce: 'n' })).commit();
    await binding.unbind();
    const keys = (await store.listAliases()).filter((alias) =>
      /\.(signing|encryption)/.test(alias),
    );
    expect(keys).toEqual([]);
    expect(await previousKeys(binding)).toBeNull();
    await binding.ensureKeys();
    expect(await codeOf(unseal(binding, sealed, { context: 'rt' }))).toBe('INVALID_ENVELOPE');
  });
});

describe('rotating again and again', () => {
  it('alternates between the two slots and leaves only markers and one pair behind', async () => {
    const { store, binding } = await bound();
    const ids = [await binding.getDeviceId()];
    for (let round = 0; round < 3; round++) {
      const rotation = await rotateKeys(binding, { nonce: `n${round}` });
      await rotation.commit();
      await forgetPreviousKeys(binding);
      ids.push(rotation.deviceId);
      expect(await newBinding(store).getDeviceId()).toBe(rotation.deviceId);
    }
    expect(new Set(ids).size).toBe(4);
    const keys = (await store.listAliases()).filter((alias) =>
      /\.(signing|encryption)/.test(alias),
    );
    expect(keys).toHaveLength(2);
  });
});
