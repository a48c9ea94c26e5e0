// Checks of what key rotation needs from a store (docs/formats/rotation.md): its state is
// read from listAliases, also by a new instance after a restart, and a DeviceBinding over the
// store rotates its keys from start to end.

import { DeviceBinding } from '../../../core/device-binding.js';
import { seal, unseal } from '../../../core/envelope/binding-envelopes.js';
import {
  forgetPreviousKeys,
  previousKeys,
  rotateKeys,
} from '../../../core/rotation/rotate-keys.js';
import type { KeyStore } from '../../../keystores/contract.js';
import { attempt, ensure } from '../expectations.js';
import { generate } from '../key-operations.js';
import type { StoreCheck } from './check.js';

/** @internal */
export const listingSurvivesNewInstance: StoreCheck = {
  id: 'listing-survives-new-instance',
  scope: 'store',
  description:
    'A store that declares persistent keys shows a new instance every key made and none deleted in listAliases, at once: rotation reads its state from there after a restart.',
  async run(ctx) {
    if (!ctx.requireDeclared().persistent) ctx.skip('the store declares persistent: false');
    const algorithm = ctx.anyAlgorithm();
    const kept = ctx.alias('listed-kept');
    const gone = ctx.alias('listed-gone');
    await generate(ctx, algorithm, kept);
    await generate(ctx, algorithm, gone);
    await attempt('deleteKey()', () => ctx.store.deleteKey(gone));
    const other = await ctx.newStore();
    const listed = await attempt('listAliases() on a new store instance', () =>
      other.listAliases(),
    );
    ensure(listed.includes(kept), 'a new store instance does not list a key made before');
    ensure(!listed.includes(gone), 'a new store instance still lists a deleted key');
    ensure(
      (await attempt('getKey() on a new instance', () => other.getKey(gone))) === null,
      'a new store instance still finds a deleted key',
    );
  },
};

const secret = new Uint8Array([1, 2, 3, 4]);

/** @internal */
export const bindingRotation: StoreCheck = {
  id: 'binding-rotation',
  scope: 'store',
  description:
    'A DeviceBinding over the store rotates its keys: the new pair is current after commit (for a binding over a new instance too, when keys persist), what was sealed before still opens until the previous keys are forgotten, and unbind leaves no key of the binding behind.',
  async run(ctx) {
    const declared = ctx.requireDeclared();
    if (!declared.signing.includes('ES256') || declared.encryption.length === 0)
      ctx.skip('the store makes no ES256 signing key or no encryption key');
    const namespace = ctx.alias('rotation');
    const over = (keyStore: KeyStore) => new DeviceBinding({ keyStore, namespace });
    const binding = over(ctx.store);
    try {
      const before = await attempt('ensureKeys()', () => binding.ensureKeys());
      const sealed = await attempt('seal()', () => seal(binding, secret));
      const rotation = await attempt('rotateKeys()', () => rotateKeys(binding, { nonce: 'n' }));
      ensure(rotation.deviceId !== before.deviceId, 'rotateKeys() made no new signing key');
      const after = await attempt('commit()', () => rotation.commit());
      ensure(after.deviceId === rotation.deviceId, 'commit() did not make the new keys current');
      if (declared.persistent) {
        const restarted = over(await ctx.newStore());
        ensure(
          (await attempt('getDeviceId() on a new instance', () => restarted.getDeviceId())) ===
            rotation.deviceId,
          'a binding over a new store instance does not find the new keys after commit()',
        );
      }
      const opened = await attempt('unseal() with the previous keys', () =>
        unseal(binding, sealed),
      );
      ensure(
        opened.length === secret.length && opened.every((byte, i) => byte === secret[i]),
        'unseal() with the previous keys returned other bytes',
      );
      await attempt('forgetPreviousKeys()', () => forgetPreviousKeys(binding));
      ensure(
        (await attempt('previousKeys()', () => previousKeys(binding))) === null,
        'the previous keys are still there after forgetPreviousKeys()',
      );
      await attempt('unbind()', () => binding.unbind());
      const left = (await attempt('listAliases()', () => ctx.store.listAliases())).filter(
        (alias) => /\.(signing|encryption)(\.1)?$/.test(alias) && alias.startsWith(namespace),
      );
      ensure(left.length === 0, `unbind() left keys behind: ${left.join(', ')}`);
    } finally {
      await binding.unbind().catch(() => undefined);
      for (const marker of ['current.1', 'pending.0', 'pending.1'])
        await ctx.store.deleteKey(`${namespace}.${marker}`).catch(() => undefined);
    }
  },
};
