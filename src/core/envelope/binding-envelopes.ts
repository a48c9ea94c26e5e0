// The envelope operations of a DeviceBinding: opening what the server sealed for the device
// (envelopes and streams) and sealing secrets at rest to the install. Functions rather than
// methods, so an app that only signs requests does not ship them.

import { accessOf } from '../access-of.js';
import { assertObject } from '../assert.js';
import type { BindingAccess } from '../binding-access.js';
import { resolveCryptoBackend } from '../crypto-backend.js';
import type { DeviceBinding, DeviceKeys } from '../device-binding.js';
import { DeviceBindingError } from '../errors.js';
import { otherKeyPair } from '../slot-state.js';
import { openEnvelopeWithKey } from './open-envelope.js';
import { openEnvelopeStreamWithKey } from './open-stream.js';
import { sealWithKey, unsealWithKey } from './seal.js';
import { withStoreContentDecryption } from './store-content.js';
import type { EnvelopeInput, EnvelopeKey, OpenEnvelopeOptions } from './types.js';

/** Options for {@link seal} and {@link unseal}. */
export interface SealOptions {
  /** What the value is for (e.g. `refresh-token`); it opens only with the same context. Default: the empty string. */
  context?: string;
}

/** The binding's encryption key as the envelope code takes it, and the device id. */
interface DeviceEnvelopeKey {
  key: EnvelopeKey;
  deviceId: string;
}

function envelopeKeyOf(
  binding: DeviceBinding,
  { options }: BindingAccess,
  { encryptionKey, deviceId }: DeviceKeys,
): DeviceEnvelopeKey {
  const prompt = options.prompts?.decrypt;
  const key = {
    keyStore: binding.keyStore,
    info: encryptionKey,
    crypto: withStoreContentDecryption(resolveCryptoBackend(options.crypto), binding.keyStore),
    ...(prompt !== undefined && { operationOptions: { prompt } }),
  };
  return { key, deviceId };
}

async function loadEnvelopeKey(
  binding: DeviceBinding,
  create: boolean,
): Promise<DeviceEnvelopeKey> {
  const access = accessOf(binding);
  return envelopeKeyOf(binding, access, await access.keys(create));
}

/**
 * Opens with the binding's keys and, when that fails as an envelope would (`INVALID_ENVELOPE`)
 * and the other key slot holds a pair (a committed rotation's previous keys, or a pending
 * one's new keys), with those: what was sealed before a rotation opens until
 * `forgetPreviousKeys` (docs/formats/rotation.md). The failure stays the one failure of the
 * current keys, so errors remain no oracle.
 */
async function withOtherKeys<T>(
  binding: DeviceBinding,
  open: (key: DeviceEnvelopeKey) => Promise<T>,
): Promise<T> {
  const current = await loadEnvelopeKey(binding, false);
  try {
    return await open(current);
  } catch (err) {
    if (!(err instanceof DeviceBindingError) || err.code !== 'INVALID_ENVELOPE') throw err;
    const { key } = current;
    const other = await otherKeyPair(binding.keyStore, binding.namespace, key.crypto).catch(
      () => undefined,
    );
    if (other === undefined) throw err;
    try {
      return await open({
        key: { ...key, info: other.encryptionKey },
        deviceId: other.deviceId,
      });
    } catch (again) {
      // The user cancelling the other key's prompt says more than a second same failure.
      throw again instanceof DeviceBindingError && again.code !== 'INVALID_ENVELOPE' ? again : err;
    }
  }
}

/**
 * Opens a JWE envelope that the server sealed for this device (`sealEnvelope`), compact or
 * flattened JSON. The private-key step happens in the binding's key store; every failure
 * after parsing is the same `INVALID_ENVELOPE`, so errors are no oracle.
 *
 * @throws `INVALID_ENVELOPE` (malformed, tampered, wrong `aad`, or for another device),
 * `UNSUPPORTED_ALGORITHM` (an algorithm outside the allowlist), `KEY_NOT_FOUND`,
 * `KEY_INVALIDATED`, `USER_CANCELLED`, `INVALID_ARGUMENT` (also when `binding` is not a
 * {@link DeviceBinding})
 * @example
 * ```ts
 * import { openEnvelope } from 'devicebind/envelopes';
 *
 * const { envelope } = await (await api('https://api.example.com/files/report.pdf')).json();
 * const pdf = await openEnvelope(binding, envelope);
 * ```
 */
export async function openEnvelope(
  binding: DeviceBinding,
  envelope: EnvelopeInput,
  options: OpenEnvelopeOptions = {},
): Promise<Uint8Array> {
  return withOtherKeys(binding, ({ key }) => openEnvelopeWithKey(key, envelope, options));
}

/**
 * Opens an encrypted stream that the server made for this device (`sealEnvelopeStream`),
 * segment by segment in constant memory. The returned stream errors with
 * `INVALID_ENVELOPE` on any tampering, truncation, reordering or appended data, before it
 * would otherwise close: treat output as final only once the stream has closed.
 *
 * @throws `INVALID_ARGUMENT` when `binding` is not a {@link DeviceBinding}; through the
 * stream: `INVALID_ENVELOPE`, `UNSUPPORTED_ALGORITHM`, `KEY_NOT_FOUND`, `KEY_INVALIDATED`
 * @example
 * ```ts
 * import { openEnvelopeStream } from 'devicebind/envelopes';
 *
 * const res = await api('https://api.example.com/media/film.enc');
 * const video = openEnvelopeStream(binding, res.body!);
 * ```
 */
export function openEnvelopeStream(
  binding: DeviceBinding,
  readable: ReadableStream<Uint8Array>,
): ReadableStream<Uint8Array> {
  const access = accessOf(binding);
  const keyEnvelope = (jwe: string) =>
    withOtherKeys(binding, ({ key }) => openEnvelopeWithKey(key, jwe));
  const loaded = access.loadedKeys();
  if (loaded !== undefined)
    return openEnvelopeStreamWithKey(
      envelopeKeyOf(binding, access, loaded).key,
      readable,
      keyEnvelope,
    );
  const opened = access
    .keys(false)
    .then((keys) =>
      openEnvelopeStreamWithKey(
        envelopeKeyOf(binding, access, keys).key,
        readable,
        keyEnvelope,
      ).getReader(),
    );
  opened.catch(() => undefined);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await (await opened).read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel(reason) {
      await (await opened).cancel(reason);
    },
  });
}

/**
 * Seals a secret the app keeps at rest (a refresh token, a key) to this install: it opens
 * only here, with the same `context`. Creates the device keys if there are none yet. Your
 * data is not touched; if sealing fails, nothing was written anywhere.
 *
 * @throws `INVALID_ARGUMENT` (also when `binding` is not a {@link DeviceBinding}),
 * `KEY_UNAVAILABLE`, `KEYSTORE_ERROR`
 * @example
 * ```ts
 * import { seal } from 'devicebind/envelopes';
 *
 * const sealed = await seal(binding, new TextEncoder().encode(refreshToken), { context: 'refresh-token' });
 * localStorage.setItem('rt', sealed);
 * ```
 */
export async function seal(
  binding: DeviceBinding,
  data: Uint8Array | ArrayBuffer,
  options: SealOptions = {},
): Promise<string> {
  const { key, deviceId } = await loadEnvelopeKey(binding, true);
  return sealWithKey(key, data, { deviceId, context: assertObject(options).context as string });
}

/**
 * Opens a value made by {@link seal} on this install, with the same `context`.
 *
 * @throws `INVALID_ENVELOPE` (another install or context, or tampered), `KEY_NOT_FOUND`,
 * `KEY_INVALIDATED`, `USER_CANCELLED`, `INVALID_ARGUMENT` (also when `binding` is not a
 * {@link DeviceBinding})
 * @example
 * ```ts
 * import { unseal } from 'devicebind/envelopes';
 *
 * const refreshToken = new TextDecoder().decode(await unseal(binding, sealed, { context: 'refresh-token' }));
 * ```
 */
export async function unseal(
  binding: DeviceBinding,
  sealed: string,
  options: SealOptions = {},
): Promise<Uint8Array> {
  const context = assertObject(options).context as string;
  return withOtherKeys(binding, ({ key, deviceId }) =>
    unsealWithKey(key, sealed, { deviceId, context }),
  );
}
