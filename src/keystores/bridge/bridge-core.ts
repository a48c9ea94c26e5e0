// The platform-independent half of the Android and iOS adapters: protocol version check,
// per-call timeouts, parameter encoding and strict validation of every native answer.
// Each adapter supplies a PlatformProfile with what differs between the platforms.

import { assertBytes, assertObject, mustBe } from '../../core/assert.js';
import { encodeBase64url } from '../../core/base64url.js';
import { DeviceBindingError, fail } from '../../core/errors.js';
import { type PublicJwk, parsePublicJwk } from '../../core/jwk.js';
import { checkAlias, checkKeySpec } from '../alias.js';
import type {
  AuthenticationPrompt,
  ContentDecryptionRequest,
  KeyInfo,
  KeyOperationOptions,
  KeySpec,
  KeyStoreCapabilities,
} from '../contract.js';
import { callBridge, checkTimeout } from './call.js';
import { malformed, readBoolean, readBytes, readMember, readObject } from './codec.js';
import {
  checkContentRequest,
  GCM_TAG_LENGTH,
  readContentDecryption,
} from './content-decryption.js';
import { type KeyRecordRules, parseKeyRecord } from './key-record.js';
import {
  BRIDGE_PROTOCOL_VERSION,
  type BridgeMethod,
  type BridgePlatform,
  isNativeBridge,
  type NativeBridge,
} from './native-bridge.js';
import { peerPointFromJwk } from './public-keys.js';
import {
  checkPromptTexts,
  generateKeyParams,
  operationOptions,
  type PromptedOperation,
  type PromptTexts,
} from './request-params.js';
import { derToJoseSignature } from './signature.js';

/** Options every bridge adapter accepts. */
export interface BridgeKeyStoreOptions {
  /** Milliseconds to wait for a native answer that shows no prompt (default 30 000). */
  timeoutMs?: number;
  /** Milliseconds to wait for `sign`, `agree` and `decrypt`, which may wait for the user (default 180 000). */
  interactiveTimeoutMs?: number;
  /** Prompt texts per operation, used when an operation is not given its own `prompt`. */
  prompts?: {
    sign?: AuthenticationPrompt;
    agree?: AuthenticationPrompt;
    decrypt?: AuthenticationPrompt;
  };
}

/** @internal What differs between the Android and iOS adapters. */
export interface PlatformProfile<I> {
  readonly platform: BridgePlatform;
  readonly records: KeyRecordRules;
  /** Reads the platform fields of the `getInfo` answer. @throws `KEYSTORE_ERROR` */
  readInfo(answer: Record<string, unknown>): I;
  capabilities(info: I): KeyStoreCapabilities;
  /** Refuses specs this device cannot honour, beyond the capability check. */
  checkSpec(spec: KeySpec, info: I): void;
  /** Platform parameters of `generateKey`. */
  generateParams(spec: KeySpec, info: I): Record<string, unknown>;
  /** After a failed `generateKey`: parameters for one retry, or `undefined` to give up. */
  retryGenerate?(
    err: DeviceBindingError,
    params: Record<string, unknown>,
  ): Record<string, unknown> | undefined;
  /** Parameters added to `getKey`, `sign`, `agree` and `decrypt`. */
  readonly useParams?: Record<string, unknown>;
  /** Runs after a key was created (e.g. to attach attestation). */
  afterCreate?(key: KeyInfo, spec: KeySpec, core: BridgeCore<I>): Promise<KeyInfo>;
}

const MAX_SIGN_INPUT = 1024 * 1024;
const EMPTY = new Uint8Array(0);
const MAX_CIPHERTEXT = 1024;
const MAX_PLAINTEXT = 512;
const MAX_ALIASES = 10_000;
const ALIAS = /^[A-Za-z0-9._:-]{1,200}$/;

/** @internal The shared implementation of the KeyStore methods over a bridge. */
export class BridgeCore<I> {
  readonly #bridge: NativeBridge;
  readonly #profile: PlatformProfile<I>;
  readonly #timeoutMs: number;
  readonly #interactiveTimeoutMs: number;
  readonly #prompts: PromptTexts;
  readonly #generating = new Map<string, Promise<KeyInfo>>();
  #info: Promise<I> | undefined;
  /** The largest content `decryptContent` takes, when the native side offers it. */
  #contentMaxBytes: number | undefined;

  constructor(bridge: NativeBridge, profile: PlatformProfile<I>, options: BridgeKeyStoreOptions) {
    if (!isNativeBridge(bridge)) mustBe('bridge', 'a NativeBridge ({ call(method, params) })');
    const { timeoutMs = 30_000, interactiveTimeoutMs = 180_000, prompts } = assertObject(options);
    this.#bridge = bridge;
    this.#profile = profile;
    this.#timeoutMs = checkTimeout(timeoutMs, 'options.timeoutMs');
    this.#interactiveTimeoutMs = checkTimeout(interactiveTimeoutMs, 'options.interactiveTimeoutMs');
    this.#prompts = checkPromptTexts(prompts);
  }

  /** The device facts from `getInfo`, fetched once; a failure is not cached. */
  info(): Promise<I> {
    if (this.#info === undefined) {
      const loading = this.#loadInfo();
      this.#info = loading;
      loading.catch(() => {
        if (this.#info === loading) this.#info = undefined;
      });
    }
    return this.#info;
  }

  async #loadInfo(): Promise<I> {
    const { platform } = this.#profile;
    const answer = await callBridge(
      this.#bridge,
      platform,
      'getInfo',
      { protocolVersion: BRIDGE_PROTOCOL_VERSION },
      { timeoutMs: this.#timeoutMs },
    );
    const version =
      typeof answer === 'object' && answer !== null
        ? readMember(answer as Record<string, unknown>, 'protocolVersion')
        : undefined;
    if (version !== BRIDGE_PROTOCOL_VERSION) {
      const theirs =
        typeof version === 'number' && Number.isInteger(version)
          ? `version ${version}`
          : 'no known version';
      fail(
        'PROTOCOL_MISMATCH',
        `the native module speaks bridge protocol ${theirs}, this SDK speaks version ${BRIDGE_PROTOCOL_VERSION}; install matching versions of the SDK and its native module`,
      );
    }
    const info = readObject(answer, 'getInfo result');
    if (readMember(info, 'platform') !== platform) {
      fail(
        'PROTOCOL_MISMATCH',
        `the native module is not the ${platform} one; use the adapter for the platform the app runs on`,
      );
    }
    const platformInfo = this.#profile.readInfo(info);
    this.#contentMaxBytes = readContentDecryption(info);
    return platformInfo;
  }

  /** One protocol call after the version check. */
  async call(
    method: BridgeMethod,
    params: Record<string, unknown>,
    settings: { interactive?: boolean; signal?: AbortSignal; data?: Uint8Array } = {},
  ): Promise<unknown> {
    await this.info();
    const timeoutMs = settings.interactive ? this.#interactiveTimeoutMs : this.#timeoutMs;
    return callBridge(this.#bridge, this.#profile.platform, method, params, {
      timeoutMs,
      ...(settings.signal && { signal: settings.signal }),
      ...(settings.data && { data: settings.data }),
    });
  }

  /**
   * AES-GCM decryption in native code, when the native side offers it (`getInfo`
   * `contentDecryption`) and the content fits its limit; `undefined` otherwise. Bulk bytes
   * go over the bridge's binary channel when it has one, else as base64url text.
   */
  async decryptContent(request: ContentDecryptionRequest): Promise<Uint8Array | undefined> {
    const { key, iv, aad, sealed, text, plaintextLength: expected } = checkContentRequest(request);
    await this.info();
    const max = this.#contentMaxBytes;
    if (max === undefined || expected + GCM_TAG_LENGTH > max) return undefined;
    const params = {
      key: encodeBase64url(key),
      iv: encodeBase64url(iv),
      ...(aad !== undefined && aad.length > 0 && { aad: encodeBase64url(aad) }),
      // Text stays text (the native side decodes it); bytes go as data or as base64url.
      ...(text !== undefined && { ciphertext: text.ciphertext, tag: encodeBase64url(text.tag) }),
    };
    const what = 'decryptContent result';
    if (typeof this.#bridge.callBytes === 'function') {
      const answer = await this.call('decryptContent', params, { data: sealed ?? EMPTY });
      const plaintext = answer instanceof ArrayBuffer ? new Uint8Array(answer) : answer;
      if (!(plaintext instanceof Uint8Array) || plaintext.length !== expected) malformed(what);
      return plaintext;
    }
    const answer = await this.call(
      'decryptContent',
      sealed === undefined
        ? params
        : {
            ...params,
            ciphertext: encodeBase64url(sealed.subarray(0, expected)),
            tag: encodeBase64url(sealed.subarray(expected)),
          },
    );
    return readBytes(readObject(answer, what), 'plaintext', what, expected, expected);
  }

  async capabilities(): Promise<KeyStoreCapabilities> {
    return this.#profile.capabilities(await this.info());
  }

  generateKey(alias: string, spec: KeySpec): Promise<KeyInfo> {
    try {
      checkAlias(alias);
    } catch (err) {
      return Promise.reject(err);
    }
    // Concurrent calls for one alias share one native generation, so there is one key.
    const pending = this.#generating.get(alias);
    if (pending !== undefined) return pending;
    const generating = this.#generate(alias, spec).finally(() => this.#generating.delete(alias));
    this.#generating.set(alias, generating);
    return generating;
  }

  async #generate(alias: string, spec: KeySpec): Promise<KeyInfo> {
    const info = await this.info();
    checkKeySpec(spec, this.#profile.capabilities(info));
    const params = {
      ...generateKeyParams(alias, spec),
      ...this.#profile.generateParams(spec, info),
    };
    this.#profile.checkSpec(spec, info);
    let answer: unknown;
    try {
      answer = await this.call('generateKey', params);
    } catch (err) {
      const retry =
        err instanceof DeviceBindingError ? this.#profile.retryGenerate?.(err, params) : undefined;
      if (retry === undefined) throw err;
      answer = await this.call('generateKey', retry);
    }
    const result = readObject(answer, 'generateKey result');
    const created = readBoolean(result, 'created', 'generateKey result');
    const key = parseKeyRecord(result.key, alias, this.#profile.records);
    if (!created) return key;
    if (key.purpose !== spec.purpose || key.algorithm !== spec.algorithm) {
      await this.#deleteQuietly(alias);
      malformed('generateKey result (the new key is not the kind that was asked for)');
    }
    if (spec.hardware === 'required' && !key.hardwareBacked) {
      await this.#deleteQuietly(alias);
      fail(
        'UNSUPPORTED_ALGORITHM',
        'the key store made the key in software, but "spec.hardware" is "required"',
      );
    }
    return this.#profile.afterCreate === undefined
      ? key
      : this.#profile.afterCreate(key, spec, this);
  }

  async #deleteQuietly(alias: string): Promise<void> {
    try {
      await this.call('deleteKey', { alias });
    } catch {
      // The original failure is what the caller needs to see.
    }
  }

  async getKey(alias: string): Promise<KeyInfo | null> {
    checkAlias(alias);
    let answer: unknown;
    try {
      answer = await this.call('getKey', { alias, ...this.#profile.useParams });
    } catch (err) {
      if (err instanceof DeviceBindingError && err.code === 'KEY_NOT_FOUND') return null;
      throw err;
    }
    return answer === null ? null : parseKeyRecord(answer, alias, this.#profile.records);
  }

  async sign(alias: string, data: Uint8Array, options?: KeyOperationOptions): Promise<Uint8Array> {
    checkAlias(alias);
    const bytes = assertBytes(data, 'data');
    if (bytes.length > MAX_SIGN_INPUT) mustBe('data', 'at most 1 MiB');
    const answer = await this.#use('sign', { alias, data: encodeBase64url(bytes) }, options);
    return derToJoseSignature(
      readBytes(readObject(answer, 'sign result'), 'signature', 'sign result', 8, 72),
    );
  }

  async deriveSharedSecret(
    alias: string,
    peerPublicKey: PublicJwk,
    options?: KeyOperationOptions,
  ): Promise<Uint8Array> {
    checkAlias(alias);
    const peer = parsePublicJwk(peerPublicKey, '"peerPublicKey"');
    if (peer.kty !== 'EC') mustBe('peerPublicKey', 'a P-256 key');
    const point = peerPointFromJwk(peer, '"peerPublicKey"');
    const answer = await this.#use('agree', { alias, publicKey: encodeBase64url(point) }, options);
    return readBytes(readObject(answer, 'agree result'), 'sharedSecret', 'agree result', 32, 32);
  }

  async decrypt(
    alias: string,
    ciphertext: Uint8Array,
    options?: KeyOperationOptions,
  ): Promise<Uint8Array> {
    checkAlias(alias);
    const bytes = assertBytes(ciphertext, 'ciphertext');
    if (bytes.length === 0 || bytes.length > MAX_CIPHERTEXT)
      mustBe('ciphertext', `1 to ${MAX_CIPHERTEXT} bytes`);
    const answer = await this.#use(
      'decrypt',
      { alias, ciphertext: encodeBase64url(bytes) },
      options,
    );
    return readBytes(
      readObject(answer, 'decrypt result'),
      'plaintext',
      'decrypt result',
      0,
      MAX_PLAINTEXT,
    );
  }

  async #use(
    method: PromptedOperation,
    params: Record<string, unknown>,
    options: KeyOperationOptions | undefined,
  ) {
    const { prompt, signal } = operationOptions(options, method, this.#prompts);
    return this.call(
      method,
      { ...params, ...(prompt && { prompt }), ...this.#profile.useParams },
      { interactive: true, ...(signal && { signal }) },
    );
  }

  async deleteKey(alias: string): Promise<void> {
    checkAlias(alias);
    readBoolean(
      readObject(await this.call('deleteKey', { alias }), 'deleteKey result'),
      'deleted',
      'deleteKey result',
    );
  }

  async listAliases(): Promise<string[]> {
    const aliases = readMember(
      readObject(await this.call('listAliases', {}), 'listAliases result'),
      'aliases',
    );
    if (!Array.isArray(aliases) || aliases.length > MAX_ALIASES)
      malformed('listAliases result.aliases');
    for (const alias of aliases) {
      if (typeof alias !== 'string' || !ALIAS.test(alias)) malformed('listAliases result.aliases');
    }
    return [...new Set(aliases as string[])];
  }
}
