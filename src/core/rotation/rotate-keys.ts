// Key rotation for a DeviceBinding: new keys in the other slot, a token both keys sign, then
// commit (the new keys become current) or abort (they are deleted). Every step leaves the
// store in a state a new binding reads consistently (docs/formats/rotation.md).

import type { AuthenticationPrompt, KeyInfo, KeySpec, KeyStore } from '../../keystores/contract.js';
import { accessOf } from '../access-of.js';
import { assertObject, assertString } from '../assert.js';
import type { BindingAccess } from '../binding-access.js';
import { resolveDigestBackend } from '../crypto-backend.js';
import type { DeviceBinding, DeviceBindingOptions, DeviceKeys } from '../device-binding.js';
import { asDeviceBindingError, fail } from '../errors.js';
import { jwkThumbprint, minimalPublicJwk, type PublicJwk } from '../jwk.js';
import { currentMarker } from '../key-slots.js';
import { readSlotState, type SlotState } from '../slot-state.js';
import { utf8Encode } from '../utf8.js';
import { type RotationKeys, signRotationToken } from './rotation-token.js';
import { slotBinding } from './slot-binding.js';

/**
 * Options for {@link rotateKeys} and {@link PendingRotation.resume}. The key settings (as in
 * `DeviceBindingOptions`) apply to the new keys; left out, the binding's own apply.
 *
 * @example
 * ```ts
 * const options: RotateKeysOptions = { nonce: challenge, hardware: 'strongbox-preferred' };
 * ```
 */
export interface RotateKeysOptions
  extends Pick<
    DeviceBindingOptions,
    'signingAlgorithm' | 'encryptionAlgorithm' | 'userAuthentication' | 'hardware'
  > {
  /** The server's one-time challenge for this rotation (1–1024 characters). */
  nonce: string;
  /** Extra app claims for the new keys' handshake; reserved claim names are refused. */
  claims?: Record<string, unknown>;
}

/**
 * A rotation whose new keys exist beside the current ones, with a token to send to the
 * server. Nothing changes for the binding until {@link KeyRotation.commit}.
 *
 * @example
 * ```ts
 * const rotation = await rotateKeys(binding, { nonce });
 * const res = await api('/device/rotate', { method: 'POST', body: rotation.token });
 * if (res.ok) await rotation.commit();
 * else if (res.status < 500) await rotation.abort();
 * ```
 */
export interface KeyRotation {
  /** The rotation token (docs/formats/rotation.md): send it to the server's rotation endpoint. */
  readonly token: string;
  /** The new device id: RFC 7638 thumbprint of the new signing key. */
  readonly deviceId: string;
  /** The device id the rotation replaces. */
  readonly previousDeviceId: string;
  /** The new public signing key. */
  readonly signingKey: PublicJwk;
  /** The new public encryption key, with the JWE `alg` it opens. */
  readonly encryptionKey: PublicJwk;
  /**
   * Makes the new keys current, once the server has accepted the token. The previous keys
   * are kept until {@link forgetPreviousKeys}, so that what was sealed before still opens.
   * Safe to call again; a new DeviceBinding finds the new keys from the moment it resolves,
   * or the old ones if the app dies before.
   * @throws `ROTATION_CONFLICT` (the rotation was aborted or replaced), `KEYSTORE_ERROR`
   */
  commit(): Promise<DeviceKeys>;
  /**
   * Deletes the new keys; the current ones stay as they are. For a token the server refused,
   * or never received. Safe to call again.
   * @throws `ROTATION_CONFLICT` (the rotation was already committed), `KEYSTORE_ERROR`
   */
  abort(): Promise<void>;
}

/**
 * A rotation found in the store that was neither committed nor aborted: the app died, or the
 * server's answer was lost. `complete` says which way is safe.
 *
 * @example
 * ```ts
 * const pending = await pendingRotation(binding);
 * if (pending && !pending.complete) await pending.abort(); // no token was ever made
 * else if (pending) {
 *   const rotation = await pending.resume({ nonce: await fetchNonce() });
 *   const res = await api('/device/rotate', { method: 'POST', body: rotation.token });
 *   if (res.ok) await rotation.commit(); else if (res.status < 500) await rotation.abort();
 * }
 * ```
 */
export interface PendingRotation {
  /**
   * Whether both new keys were made. When false, no token can have been made (it needs both):
   * {@link PendingRotation.abort} loses nothing. When true, the server may have accepted a
   * token: {@link PendingRotation.resume} and send the fresh token to find out (the server
   * guide makes the endpoint answer an already-accepted rotation again).
   */
  readonly complete: boolean;
  /** The new device id, or `null` while the new signing key does not exist yet. */
  readonly deviceId: string | null;
  /** The device id of the current keys, which the rotation would replace. */
  readonly previousDeviceId: string;
  /**
   * Makes any missing new key and signs a fresh token for `options.nonce` with the same keys.
   * @throws as {@link rotateKeys}
   */
  resume(options: RotateKeysOptions): Promise<KeyRotation>;
  /**
   * Makes the new keys current without a new token, for an app that knows the server accepted.
   * @throws `ROTATION_CONFLICT` (the new keys are incomplete, or the rotation is gone), `KEYSTORE_ERROR`
   */
  commit(): Promise<DeviceKeys>;
  /** Deletes the new keys. @throws `ROTATION_CONFLICT` (already committed), `KEYSTORE_ERROR` */
  abort(): Promise<void>;
}

// The markers hold nothing: the cheapest key every store makes, with no user authentication.
const MARKER_SPEC: KeySpec = { purpose: 'sign', algorithm: 'ES256', hardware: 'none' };

// One rotation operation at a time per binding: they read the store, then change it.
const queues = new WeakMap<object, Promise<unknown>>();

function serialized<T>(binding: DeviceBinding, operation: () => Promise<T>): Promise<T> {
  const previous = queues.get(binding) ?? Promise.resolve();
  const next = previous.then(operation, operation);
  queues.set(
    binding,
    next.catch(() => undefined),
  );
  return next;
}

function conflict(message: string): never {
  return fail('ROTATION_CONFLICT', message);
}

/** One binding's rotation context: its store calls and what the rotation reads. */
class Rotator {
  readonly store: KeyStore;
  readonly access: BindingAccess;
  readonly crypto;

  constructor(readonly binding: DeviceBinding) {
    this.access = accessOf(binding);
    this.store = binding.keyStore;
    this.crypto = resolveDigestBackend(this.access.options.crypto);
  }

  async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      throw asDeviceBindingError(
        err,
        'KEYSTORE_ERROR',
        `the key store "${this.store.name}" failed`,
      );
    }
  }

  state(): Promise<SlotState> {
    return this.call(() => readSlotState(this.store, this.binding.namespace));
  }

  async deviceIdOf(alias: string): Promise<string | null> {
    const info = await this.call(() => this.store.getKey(alias));
    return info === null ? null : jwkThumbprint(minimalPublicJwk(info.publicKey), this.crypto);
  }

  /** The binding's current keys, loaded from the current slot. @throws `KEY_NOT_FOUND` when unbound */
  async current(state: SlotState): Promise<RotationKeys> {
    let keys = await this.access.keys(false);
    // Another binding over the same store may have committed since this one loaded its keys.
    if (keys.signingKey.alias !== state.current.signing) {
      this.access.loadedKeys(true);
      keys = await this.access.keys(false);
    }
    return keys;
  }

  /** Deletes the other slot's keys, then its marker: until the marker goes, what is left is still a pending rotation. */
  async deleteOther(state: SlotState): Promise<void> {
    for (const alias of [state.other.signing, state.other.encryption, state.otherMarker])
      await this.call(() => this.store.deleteKey(alias));
  }

  /** Makes or loads the new keys and signs a token with both pairs. */
  async sign(state: SlotState, options: RotateKeysOptions): Promise<KeyRotation> {
    const previous = await this.current(state);
    // As createHandshake does: keys made now are attested over SHA-256(nonce), so their
    // evidence is fresh for this rotation (docs/attestation.md). Keys a resumed rotation made
    // earlier keep the evidence of their first token.
    const attestationChallenge = await this.crypto.sha256(utf8Encode(options.nonce));
    const next = await slotBinding(this.binding, this.access, state.other, options).ensureKeys({
      attestationChallenge,
    });
    const prompt: AuthenticationPrompt | undefined = this.access.options.prompts?.sign;
    const clock = this.access.options.clock ?? Date.now;
    const token = await signRotationToken({
      previous,
      next,
      nonce: options.nonce,
      claims: options.claims,
      issuedAt: Math.floor(clock() / 1000),
      crypto: this.crypto,
      sign: (alias, data) =>
        this.call(() =>
          this.store.sign(alias, data, prompt === undefined ? undefined : { prompt }),
        ),
    });
    return {
      token,
      deviceId: next.deviceId,
      previousDeviceId: previous.deviceId,
      signingKey: minimalPublicJwk(next.signingKey.publicKey),
      encryptionKey: next.encryptionKey.publicKey,
      commit: () => commitRotation(this.binding, next.deviceId),
      abort: () => abortRotation(this.binding, next.deviceId),
    };
  }
}

function checkOptions(options: RotateKeysOptions): RotateKeysOptions {
  const { nonce, claims } = assertObject(options);
  assertString(nonce, 'options.nonce', 1024);
  if (claims !== undefined) assertObject(claims, 'options.claims');
  return options;
}

/**
 * Starts a key rotation: makes new keys in the binding's other key slot (the current keys stay
 * in use) and signs a rotation token with both, for the server's `verifyRotation`. Send the
 * token, then {@link KeyRotation.commit} or {@link KeyRotation.abort} on the server's answer.
 *
 * A handle rather than a `send` callback: sending is the app's (its transport, retries and the
 * new access tokens the server returns), and a rotation outlives the call anyway: after a
 * crash the same choice comes back through {@link pendingRotation}, which a callback could
 * not carry across a restart.
 *
 * New keys are made with the binding's options, or those given here (say a StrongBox key once
 * the device has one). Signing prompts use the binding's `prompts.sign`, once for each key
 * that needs the user.
 *
 * @throws `ROTATION_CONFLICT` (a rotation is pending: see {@link pendingRotation}; or the
 * previous keys are still kept: see {@link forgetPreviousKeys}), `KEY_NOT_FOUND` (the binding
 * has no keys: sign in instead), `KEY_INVALIDATED` (the current key can no longer sign: sign
 * in again), `USER_CANCELLED`, `INVALID_ARGUMENT`, `UNSUPPORTED_ALGORITHM`, `KEYSTORE_ERROR`
 * @example
 * ```ts
 * import { rotateKeys } from 'devicebind/rotation';
 *
 * const { nonce } = await (await api('/device/rotate/challenge')).json();
 * const rotation = await rotateKeys(binding, { nonce });
 * const res = await api('/device/rotate', { method: 'POST', body: rotation.token });
 * if (res.ok) await rotation.commit();
 * else if (res.status < 500) await rotation.abort();
 * ```
 */
export async function rotateKeys(
  binding: DeviceBinding,
  options: RotateKeysOptions,
): Promise<KeyRotation> {
  const rotator = new Rotator(binding);
  checkOptions(options);
  return serialized(binding, async () => {
    const state = await rotator.state();
    if (state.otherSlot === 'pending')
      conflict('a key rotation is pending: resume or abort it (pendingRotation())');
    if (state.otherSlot === 'previous') {
      conflict(
        'the keys of the previous rotation are still kept: re-seal what they opened, then call forgetPreviousKeys()',
      );
    }
    // Fails before anything is written when the binding has no keys.
    await rotator.current(state);
    // The marker first: until it is gone again, keys in the other slot are a pending rotation,
    // never current ones, whatever step the app dies at.
    await rotator.call(() => rotator.store.generateKey(state.otherMarker, MARKER_SPEC));
    try {
      return await rotator.sign(state, options);
    } catch (err) {
      // No token left this call, so nothing can depend on the new keys: take them back. If the
      // store fails here too, the rotation stays pending, for pendingRotation() to finish.
      await rotator.deleteOther(state).catch(() => undefined);
      throw err;
    }
  });
}

/**
 * The rotation left pending in the store, or `null`: one begun by {@link rotateKeys} that
 * was neither committed nor aborted (the app died, or the server's answer was lost).
 *
 * @throws `INVALID_ARGUMENT` (not a DeviceBinding), `KEYSTORE_ERROR`
 * @example
 * ```ts
 * import { pendingRotation } from 'devicebind/rotation';
 *
 * const pending = await pendingRotation(binding);
 * if (pending && !pending.complete) await pending.abort();
 * ```
 */
export async function pendingRotation(binding: DeviceBinding): Promise<PendingRotation | null> {
  const rotator = new Rotator(binding);
  return serialized(binding, async () => {
    const state = await rotator.state();
    if (state.otherSlot !== 'pending') return null;
    const deviceId = await rotator.deviceIdOf(state.other.signing);
    const previousDeviceId = await rotator.deviceIdOf(state.current.signing);
    if (previousDeviceId === null) conflict('the binding has no current keys: abort the rotation');
    const complete = deviceId !== null && state.present.has(state.other.encryption);
    return {
      complete,
      deviceId,
      previousDeviceId,
      resume: async (options) => {
        checkOptions(options);
        return serialized(binding, async () => {
          const now = await rotator.state();
          await checkPending(rotator, now, deviceId);
          return rotator.sign(now, options);
        });
      },
      commit: async () =>
        complete
          ? commitRotation(binding, deviceId)
          : conflict('the rotation has no complete new keys: no token was made; abort it'),
      abort: () => abortRotation(binding, deviceId),
    };
  });
}

/** The rotation in the other slot is still the one with new device id `deviceId` (when known). */
async function checkPending(rotator: Rotator, state: SlotState, deviceId: string | null) {
  if (state.otherSlot !== 'pending')
    conflict('this key rotation was committed, aborted or replaced');
  if (deviceId !== null && (await rotator.deviceIdOf(state.other.signing)) !== deviceId)
    conflict('this key rotation was replaced by another');
}

async function commitRotation(binding: DeviceBinding, deviceId: string): Promise<DeviceKeys> {
  const rotator = new Rotator(binding);
  return serialized(binding, async () => {
    const state = await rotator.state();
    // Already committed (a second call, or one interrupted after the switch).
    if ((await rotator.deviceIdOf(state.current.signing)) !== deviceId) {
      await checkPending(rotator, state, deviceId);
      if (!state.present.has(state.other.encryption))
        conflict('the rotation has no complete new keys: abort it');
      // The switch: one store operation, atomic in every store. Before it a new binding
      // loads the old keys; after it, the new ones.
      const marker = currentMarker(binding.namespace);
      await rotator.call(() =>
        state.slotOne
          ? rotator.store.deleteKey(marker)
          : rotator.store.generateKey(marker, MARKER_SPEC).then(() => undefined),
      );
    }
    // The pending marker of what is now the current slot means nothing any more.
    const after = await rotator.state();
    if (after.present.has(after.staleMarker))
      await rotator.call(() => rotator.store.deleteKey(after.staleMarker));
    rotator.access.loadedKeys(true);
    return rotator.access.keys(false);
  });
}

async function abortRotation(binding: DeviceBinding, deviceId: string | null): Promise<void> {
  const rotator = new Rotator(binding);
  return serialized(binding, async () => {
    const state = await rotator.state();
    if (deviceId !== null && (await rotator.deviceIdOf(state.current.signing)) === deviceId)
      conflict('this key rotation was committed; it cannot be rolled back');
    if (state.otherSlot === 'empty') {
      // Aborted before, or interrupted before making a key: only the marker may be left.
      if (state.present.has(state.otherMarker))
        await rotator.call(() => rotator.store.deleteKey(state.otherMarker));
      return;
    }
    await checkPending(rotator, state, deviceId);
    await rotator.deleteOther(state);
  });
}

/** The keys a committed rotation replaced, while they are kept. */
export interface PreviousKeys {
  /** Their device id, or `null` when only the encryption key is left (a forget was interrupted). */
  readonly deviceId: string | null;
  /** Their public encryption key, or `null` when only the signing key is left. */
  readonly encryptionKey: PublicJwk | null;
}

/**
 * The keys the last committed rotation replaced, or `null` when none are kept. While they
 * are, `unseal`, `openEnvelope` and `openEnvelopeStream` open what was sealed for them.
 *
 * @throws `INVALID_ARGUMENT` (not a DeviceBinding), `KEYSTORE_ERROR`
 * @example
 * ```ts
 * import { previousKeys } from 'devicebind/rotation';
 *
 * if (await previousKeys(binding)) await migrateSealedValues();
 * ```
 */
export async function previousKeys(binding: DeviceBinding): Promise<PreviousKeys | null> {
  const rotator = new Rotator(binding);
  return serialized(binding, async () => {
    const state = await rotator.state();
    if (state.otherSlot !== 'previous') return null;
    const encryption: KeyInfo | null = await rotator.call(() =>
      rotator.store.getKey(state.other.encryption),
    );
    return {
      deviceId: await rotator.deviceIdOf(state.other.signing),
      encryptionKey: encryption === null ? null : encryption.publicKey,
    };
  });
}

/**
 * Ends the life of the keys the last rotation replaced: deletes them. Values sealed to them,
 * and envelopes sealed for them, no longer open afterwards: re-seal what you keep first
 * (`seal(binding, await unseal(binding, old))`), and have the server re-deliver the rest.
 * Does nothing when no previous keys are kept; safe to call again after a failure.
 *
 * @throws `INVALID_ARGUMENT` (not a DeviceBinding), `KEYSTORE_ERROR`
 * @example
 * ```ts
 * import { forgetPreviousKeys } from 'devicebind/rotation';
 * import { seal, unseal } from 'devicebind/envelopes';
 *
 * const refreshToken = await unseal(binding, stored, { context: 'rt' }); // opens with the previous keys
 * localStorage.setItem('rt', await seal(binding, refreshToken, { context: 'rt' }));
 * await forgetPreviousKeys(binding);
 * ```
 */
export async function forgetPreviousKeys(binding: DeviceBinding): Promise<void> {
  const rotator = new Rotator(binding);
  return serialized(binding, async () => {
    const state = await rotator.state();
    if (state.otherSlot !== 'previous') return;
    // The encryption key first: it is what opens old data; a signing key left alone opens nothing.
    for (const alias of [state.other.encryption, state.other.signing])
      await rotator.call(() => rotator.store.deleteKey(alias));
  });
}
