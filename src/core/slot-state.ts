// What the store says about a binding's two key slots, from one listing of its aliases: which
// slot is current, and whether the other one is empty, holds a pending rotation, or keeps the
// previous keys (docs/formats/rotation.md#keys-in-the-store).

import type { KeyStore } from '../keystores/contract.js';
import { currentMarker, pendingMarker, slotAliases } from './key-slots.js';

/** @internal The aliases of one slot. */
export interface SlotAliases {
  signing: string;
  encryption: string;
}

/** @internal The state of both slots. */
export interface SlotState {
  /** Whether slot 1 is the current one. */
  slotOne: boolean;
  current: SlotAliases;
  other: SlotAliases;
  /** The marker that says the other slot holds a pending rotation. */
  otherMarker: string;
  /** The marker of the current slot: left over when a commit was interrupted; it means nothing. */
  staleMarker: string;
  /** Every alias the store listed. */
  present: ReadonlySet<string>;
  /**
   * `pending`: the other slot holds keys of a rotation begun and neither committed nor
   * aborted. `previous`: it keeps the keys a committed rotation replaced. `empty`: neither
   * (a pending marker without any key counts as empty: no token can have been made).
   */
  otherSlot: 'pending' | 'previous' | 'empty';
}

/** @internal Reads the slots of `namespace`. @throws what `listAliases` throws */
export async function readSlotState(store: KeyStore, namespace: string): Promise<SlotState> {
  const present = new Set(await store.listAliases());
  const slotOne = present.has(currentMarker(namespace));
  const [signing, otherSigning, otherEncryption, encryption] = slotAliases(namespace, slotOne) as [
    string,
    string,
    string,
    string,
  ];
  const otherMarker = pendingMarker(namespace, !slotOne);
  const otherKeys = present.has(otherSigning) || present.has(otherEncryption);
  return {
    slotOne,
    current: { signing, encryption },
    other: { signing: otherSigning, encryption: otherEncryption },
    otherMarker,
    staleMarker: pendingMarker(namespace, slotOne),
    present,
    otherSlot: !otherKeys ? 'empty' : present.has(otherMarker) ? 'pending' : 'previous',
  };
}
