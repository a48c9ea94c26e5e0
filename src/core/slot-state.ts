// What the store says about a binding's two key slots, from one listing of its aliases: which
// slot is current, and whether the other one is empty, holds a pending rotation, or keeps the
// previous keys (docs/formats/rotation.md#keys-in-the-store).

import type { KeyInfo, KeyStore } from '../keystores/contract.js';
import type { DigestBackend } from './crypto-backend.js';
import { jwkThumbprint, parsePublicJwk } from './jwk.js';
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

/**
 * @internal What the other slot holds, from whether its pending marker and its keys exist: a
 * marker with a key is a pending rotation; keys without a marker, the previous keys; a marker
 * alone, nothing (the app died before making a key, so no token exists).
 */
export function otherSlotHolds(
  marker: boolean,
  signing: boolean,
  encryption: boolean,
): SlotState['otherSlot'] {
  return !signing && !encryption ? 'empty' : marker ? 'pending' : 'previous';
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
  return {
    slotOne,
    current: { signing, encryption },
    other: { signing: otherSigning, encryption: otherEncryption },
    otherMarker,
    staleMarker: pendingMarker(namespace, slotOne),
    present,
    otherSlot: otherSlotHolds(
      present.has(otherMarker),
      present.has(otherSigning),
      present.has(otherEncryption),
    ),
  };
}

/** @internal The keys a committed rotation keeps, as the envelope functions use them. */
export interface PreviousKeyPair {
  encryptionKey: KeyInfo;
  /** The device id of the previous signing key: what values sealed with it are bound to. */
  deviceId: string;
}

/**
 * @internal The previous keys of `namespace`, or `undefined` when none are kept (or only one
 * of the two is left, after an interrupted `forgetPreviousKeys`).
 * @throws what the store throws
 */
export async function previousKeyPair(
  store: KeyStore,
  namespace: string,
  crypto: DigestBackend,
): Promise<PreviousKeyPair | undefined> {
  // Probes rather than a listing (readSlotState): this runs in every app that opens envelopes.
  const slotOne = (await store.getKey(currentMarker(namespace))) !== null;
  const [, signing, encryption] = slotAliases(namespace, slotOne) as [string, string, string];
  const marker = (await store.getKey(pendingMarker(namespace, !slotOne))) !== null;
  const signingKey = await store.getKey(signing);
  const encryptionKey = await store.getKey(encryption);
  if (signingKey === null || encryptionKey === null) return undefined;
  if (otherSlotHolds(marker, true, true) !== 'previous') return undefined;
  return {
    encryptionKey,
    deviceId: await jwkThumbprint(parsePublicJwk(signingKey.publicKey), crypto),
  };
}
