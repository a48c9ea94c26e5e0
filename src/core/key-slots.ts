// The two key slots of a binding and the marker keys that say which slot is current and
// whether the other holds a pending rotation (docs/formats/rotation.md#keys-in-the-store).

/** @internal The marker key whose presence makes slot 1 the current slot. */
export function currentMarker(namespace: string): string {
  return `${namespace}.current.1`;
}

/** @internal The marker key that says slot 0 (or 1) holds a rotation not yet committed. */
export function pendingMarker(namespace: string, slotOne: boolean): string {
  return `${namespace}.pending.${slotOne ? 1 : 0}`;
}

/**
 * @internal The four key aliases of a namespace: the current slot's signing key, the other
 * slot's signing and encryption keys, the current slot's encryption key (the order `unbind`
 * deletes them in). Slot 0 is 0.1.0's `<namespace>.signing` and `<namespace>.encryption`;
 * slot 1 adds `.1`.
 */
export function slotAliases(namespace: string, slotOne: boolean): string[] {
  return [slotOne, !slotOne, !slotOne, slotOne].map(
    (one, i) => `${namespace}.${i < 2 ? 'signing' : 'encryption'}${one ? '.1' : ''}`,
  );
}
