// A WebCryptoKeyStorage for tests: records in a Map that tests can read and plant, and
// switches that make each operation fail, so the store's handling of storage is attacked.

import type { WebCryptoKeyStorage } from '../../src/keystores/webcrypto/storage.js';

export interface FakeStorage extends WebCryptoKeyStorage {
  readonly records: Map<string, unknown>;
  /** Operations that throw while listed here. */
  readonly failing: Set<'get' | 'putIfAbsent' | 'delete' | 'list'>;
  /** How many times each operation ran. */
  readonly calls: Record<'get' | 'putIfAbsent' | 'delete' | 'list', number>;
  /** When set, putIfAbsent stores this record instead, as if another tab had won the race. */
  rival: unknown;
}

/** Creates an empty fake storage. */
export function createFakeStorage(persistent = true): FakeStorage {
  const records = new Map<string, unknown>();
  const failing = new Set<'get' | 'putIfAbsent' | 'delete' | 'list'>();
  const calls = { get: 0, putIfAbsent: 0, delete: 0, list: 0 };
  const check = (op: keyof typeof calls) => {
    calls[op]++;
    if (failing.has(op)) throw new Error(`storage ${op} failed`);
  };
  const storage: FakeStorage = {
    persistent,
    records,
    failing,
    calls,
    rival: undefined,
    async get(alias) {
      check('get');
      return records.get(alias);
    },
    async putIfAbsent(alias, record) {
      check('putIfAbsent');
      if (!records.has(alias)) records.set(alias, storage.rival ?? record);
      return records.get(alias);
    },
    async delete(alias) {
      check('delete');
      records.delete(alias);
    },
    async list() {
      check('list');
      return [...records.keys()];
    },
  };
  return storage;
}
