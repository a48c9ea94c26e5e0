// Where the WebCrypto key store keeps its key records: the small storage interface, and
// the in-memory implementation used where there is no IndexedDB (or when asked for).

/**
 * Where a {@link WebCryptoKeyStore} keeps its key records (each holding a non-extractable
 * `CryptoKey`). The store validates everything it reads back, so an implementation only
 * moves records; it never needs to understand them.
 *
 * @example
 * ```ts
 * const records = new Map<string, unknown>();
 * const storage: WebCryptoKeyStorage = {
 *   persistent: false,
 *   async get(alias) { return records.get(alias); },
 *   async putIfAbsent(alias, record) {
 *     if (!records.has(alias)) records.set(alias, record);
 *     return records.get(alias);
 *   },
 *   async delete(alias) { records.delete(alias); },
 *   async list() { return [...records.keys()]; },
 * };
 * ```
 */
export interface WebCryptoKeyStorage {
  /** Whether records survive a reload of the page or a restart of the app. */
  readonly persistent: boolean;
  /** The record under `alias`, or `undefined` when there is none. */
  get(alias: string): Promise<unknown>;
  /**
   * Stores `record` under `alias` unless a record is already there, atomically, and returns
   * the record that is stored afterwards (the earlier one when there was one): two
   * concurrent writers end up with the same key.
   */
  putIfAbsent(alias: string, record: unknown): Promise<unknown>;
  /** Removes the record under `alias`; succeeds when there is none. */
  delete(alias: string): Promise<void>;
  /** Every alias that holds a record. */
  list(): Promise<string[]>;
}

/** @internal Records in a `Map`: lost when the page or process goes away. */
export function memoryStorage(): WebCryptoKeyStorage {
  const records = new Map<string, unknown>();
  return {
    persistent: false,
    async get(alias) {
      return records.get(alias);
    },
    async putIfAbsent(alias, record) {
      if (!records.has(alias)) records.set(alias, record);
      return records.get(alias);
    },
    async delete(alias) {
      records.delete(alias);
    },
    async list() {
      return [...records.keys()];
    },
  };
}
