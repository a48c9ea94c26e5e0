// A DeviceBinding that sees one slot's keys as its own: how a rotation makes the new keys
// exactly as the binding makes its keys (the same algorithm choice, policy and fallbacks),
// without a second copy of that code in the client bundle.

import type { KeyStore } from '../../keystores/contract.js';
import type { BindingAccess } from '../binding-access.js';
import { DeviceBinding, type DeviceBindingOptions } from '../device-binding.js';
import { fail } from '../errors.js';
import { currentMarker, slotAliases } from '../key-slots.js';
import type { SlotAliases } from '../slot-state.js';

/**
 * @internal A key store in front of `store` in which slot 0's aliases of `namespace` are the
 * given slot's, and no slot is marked current. Only what making and loading keys needs
 * passes; deleting is refused, so this view can never remove a key.
 */
function slotView(store: KeyStore, namespace: string, slot: SlotAliases): KeyStore {
  const [signing, , , encryption] = slotAliases(namespace, false);
  const marker = currentMarker(namespace);
  const map = (alias: string) =>
    alias === signing ? slot.signing : alias === encryption ? slot.encryption : alias;
  return {
    name: store.name,
    capabilities: () => store.capabilities(),
    generateKey: (alias, spec) => store.generateKey(map(alias), spec),
    getKey: async (alias) => (alias === marker ? null : store.getKey(map(alias))),
    sign: (alias, data, options) => store.sign(map(alias), data, options),
    deriveSharedSecret: (alias, peer, options) =>
      store.deriveSharedSecret(map(alias), peer, options),
    decrypt: (alias, ciphertext, options) => store.decrypt(map(alias), ciphertext, options),
    deleteKey: async () => fail('KEYSTORE_ERROR', 'a slot view never deletes keys'),
    listAliases: () => store.listAliases(),
  };
}

/**
 * @internal A binding over the keys of `slot`, made with the binding's options and `settings`
 * for any key it creates.
 */
export function slotBinding(
  binding: DeviceBinding,
  access: BindingAccess,
  slot: SlotAliases,
  settings: Pick<
    DeviceBindingOptions,
    'signingAlgorithm' | 'encryptionAlgorithm' | 'userAuthentication' | 'hardware'
  > = {},
): DeviceBinding {
  const { options } = access;
  return new DeviceBinding({
    ...options,
    signingAlgorithm: settings.signingAlgorithm ?? options.signingAlgorithm,
    encryptionAlgorithm: settings.encryptionAlgorithm ?? options.encryptionAlgorithm,
    userAuthentication: settings.userAuthentication ?? options.userAuthentication,
    hardware: settings.hardware ?? options.hardware,
    keyStore: slotView(binding.keyStore, binding.namespace, slot),
    namespace: binding.namespace,
  });
}
