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
    // A marker alone means the app died before making a key: no token exists, nothing to resume.
    otherSlot:
      !present.has(otherSigning) && !present.has(otherEncryption)
        ? 'empty'
        : present.has(otherMarker)
          ? 'pending'
          : 'previous',
  };
}

/** @internal The other slot's keys, as the envelope functions use them. */
export interface OtherKeyPair {
  encryptionKey: KeyInfo;
  /** The device id of the other slot's signing key: what values sealed with it are bound to. */
  deviceId: string;
}

/**
 * @internal The keys in the other slot of `namespace`, or `undefined` unless both are there:
 * the previous keys after a committed rotation, or the new keys of a pending one (the server
 * may already seal for them when its answer to the rotation was lost). Either way they are this
 * device's own keys, so opening with them opens nothing sealed for anyone else.
 * @throws what the store throws
 */
export async function otherKeyPair(
  store: KeyStore,
  namespace: string,
  crypto: DigestBackend,
): Promise<OtherKeyPair | undefined> {
  // Probes rather than a listing (readSlotState): this runs in every app that opens envelopes.
  const slotOne = (await store.getKey(currentMarker(namespace))) !== null;
  const [, signing, encryption] = slotAliases(namespace, slotOne) as [string, string, string];
  const signingKey = await store.getKey(signing);
  const encryptionKey = await store.getKey(encryption);
  if (signingKey === null || encryptionKey === null) return undefined;
  return {
    encryptionKey,
    deviceId: await jwkThumbprint(parsePublicJwk(signingKey.publicKey), crypto),
  };
}
