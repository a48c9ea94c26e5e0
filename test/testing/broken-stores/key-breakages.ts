// Stores that keep keys wrongly: leaking the private part, deleting only on the surface,
// racing under concurrent generation, replacing existing keys, sloppy getKey/listAliases.

import { encodeBase64url } from '../../../src/core/base64url.js';
import { checkAlias } from '../../../src/keystores/alias.js';
import type {
  KeyInfo,
  KeySpec,
  KeyStore,
  KeyStoreCapabilities,
} from '../../../src/keystores/contract.js';
import { MemoryKeyStore } from '../../../src/keystores/memory/index.js';
import { DelegatingStore } from './delegating-store.js';

function withPrivateMember(info: KeyInfo): KeyInfo {
  const d = encodeBase64url(crypto.getRandomValues(new Uint8Array(32)));
  return { ...info, publicKey: { ...info.publicKey, d } as unknown as KeyInfo['publicKey'] };
}

/** Puts a private scalar `d` into every public JWK it returns. */
export class LeakingPrivateKeyStore extends DelegatingStore {
  constructor() {
    super('leaks-d');
  }

  override async generateKey(alias: string, spec: KeySpec): Promise<KeyInfo> {
    return withPrivateMember(await this.inner.generateKey(alias, spec));
  }

  override async getKey(alias: string): Promise<KeyInfo | null> {
    const info = await this.inner.getKey(alias);
    return info === null ? null : withPrivateMember(info);
  }
}

/** deleteKey only hides the alias: the key still signs, and generating again brings it back. */
export class FakeDeleteStore extends DelegatingStore {
  readonly #hidden = new Set<string>();

  constructor() {
    super('fake-delete');
  }

  override async deleteKey(alias: string): Promise<void> {
    checkAlias(alias);
    this.#hidden.add(alias);
  }

  override async getKey(alias: string): Promise<KeyInfo | null> {
    return this.#hidden.has(alias) ? null : this.inner.getKey(alias);
  }

  override async listAliases(): Promise<string[]> {
    return (await this.inner.listAliases()).filter((alias) => !this.#hidden.has(alias));
  }

  override async generateKey(alias: string, spec: KeySpec): Promise<KeyInfo> {
    this.#hidden.delete(alias);
    return this.inner.generateKey(alias, spec);
  }
}

/** Checks for an existing key, then awaits before making one: concurrent calls make several keys. */
export class RacyGenerateStore extends DelegatingStore {
  readonly #current = new Map<string, string>();
  #version = 0;

  constructor() {
    super('racy-generate');
  }

  #resolve(alias: string): string {
    return this.#current.get(alias) ?? alias;
  }

  override async generateKey(alias: string, spec: KeySpec): Promise<KeyInfo> {
    checkAlias(alias);
    const existing = this.#current.get(alias);
    if (existing !== undefined) return { ...(await this.inner.generateKey(existing, spec)), alias };
    await new Promise((resolve) => setTimeout(resolve, 1));
    this.#version += 1;
    const versioned = `${alias}.v${this.#version}`;
    const info = await this.inner.generateKey(versioned, spec);
    this.#current.set(alias, versioned);
    return { ...info, alias };
  }

  override async getKey(alias: string): Promise<KeyInfo | null> {
    const info = await this.inner.getKey(this.#resolve(alias));
    return info === null ? null : { ...info, alias };
  }

  override sign(alias: string, data: Uint8Array): Promise<Uint8Array> {
    return this.inner.sign(this.#resolve(alias), data);
  }

  override deriveSharedSecret(
    alias: string,
    peer: Parameters<DelegatingStore['deriveSharedSecret']>[1],
  ) {
    return this.inner.deriveSharedSecret(this.#resolve(alias), peer);
  }

  override decrypt(alias: string, ciphertext: Uint8Array): Promise<Uint8Array> {
    return this.inner.decrypt(this.#resolve(alias), ciphertext);
  }

  override async deleteKey(alias: string): Promise<void> {
    await this.inner.deleteKey(this.#resolve(alias));
    this.#current.delete(alias);
  }

  override async listAliases(): Promise<string[]> {
    return [...this.#current.keys()];
  }
}

/** generateKey on an existing alias replaces the key instead of returning it. */
export class RegeneratingStore extends DelegatingStore {
  constructor() {
    super('regenerates');
  }

  override async generateKey(alias: string, spec: KeySpec): Promise<KeyInfo> {
    await this.inner.deleteKey(alias);
    return this.inner.generateKey(alias, spec);
  }
}

/** getKey of an unknown alias resolves to undefined instead of null. */
export class UndefinedForUnknownStore extends DelegatingStore {
  constructor() {
    super('undefined-for-unknown');
  }

  override async getKey(alias: string): Promise<KeyInfo | null> {
    return (await this.inner.getKey(alias)) ?? (undefined as unknown as null);
  }
}

/** listAliases hands out its own internal array. */
export class SharedAliasListStore extends DelegatingStore {
  readonly #aliases: string[] = [];

  constructor() {
    super('shared-alias-list');
  }

  override async generateKey(alias: string, spec: KeySpec): Promise<KeyInfo> {
    const info = await this.inner.generateKey(alias, spec);
    if (!this.#aliases.includes(alias)) this.#aliases.push(alias);
    return info;
  }

  override async deleteKey(alias: string): Promise<void> {
    await this.inner.deleteKey(alias);
    const at = this.#aliases.indexOf(alias);
    if (at >= 0) this.#aliases.splice(at, 1);
  }

  override async listAliases(): Promise<string[]> {
    return this.#aliases;
  }
}

/**
 * A persistent store with an alias index of its own that deleteKey forgets to update: the
 * instance that deleted a key stops listing it, a new instance (after a restart) still does.
 */
export class StaleIndexStore extends DelegatingStore {
  readonly #index: Set<string>;
  readonly #deletedHere = new Set<string>();

  constructor(inner: KeyStore = new MemoryKeyStore(), index = new Set<string>()) {
    super('stale-index', inner);
    this.#index = index;
  }

  /** A new instance over the same keys and the same (stale) index. */
  restarted(): StaleIndexStore {
    return new StaleIndexStore(this.inner, this.#index);
  }

  override async capabilities(): Promise<KeyStoreCapabilities> {
    return { ...(await this.inner.capabilities()), persistent: true };
  }

  override async generateKey(alias: string, spec: KeySpec): Promise<KeyInfo> {
    const info = await this.inner.generateKey(alias, spec);
    this.#index.add(alias);
    this.#deletedHere.delete(alias);
    return info;
  }

  override async deleteKey(alias: string): Promise<void> {
    await this.inner.deleteKey(alias);
    this.#deletedHere.add(alias);
  }

  override async listAliases(): Promise<string[]> {
    return [...this.#index].filter((alias) => !this.#deletedHere.has(alias));
  }
}
