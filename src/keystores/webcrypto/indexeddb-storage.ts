// Key records in IndexedDB: CryptoKey objects are stored as they are (structured clone keeps
// them non-extractable), one object store keyed by alias.

import { DeviceBindingError } from '../../core/errors.js';
import type { WebCryptoKeyStorage } from './storage.js';

const STORE = 'keys';
const VERSION = 1;
// An open request that never settles (seen on some WebKit versions) must not hang the app.
const OPEN_TIMEOUT_MS = 10_000;

/** @internal The message for every failure to open the database. */
export const INDEXEDDB_UNUSABLE =
  'IndexedDB is unusable here (private mode?): allow site storage, or pass storage: "memory" (a new device key on each load)';

function openDatabase(
  getFactory: () => IDBFactory | undefined,
  name: string,
): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (db: IDBDatabase | undefined, error?: unknown) => {
      if (settled) return db?.close();
      settled = true;
      clearTimeout(timer);
      if (db === undefined)
        reject(new DeviceBindingError('KEY_UNAVAILABLE', INDEXEDDB_UNUSABLE, { cause: error }));
      else resolve(db);
    };
    const timer = setTimeout(
      () => settle(undefined, new Error('indexedDB.open did not answer in time')),
      OPEN_TIMEOUT_MS,
    );
    try {
      // Reading `indexedDB` throws in sandboxed frames; a missing factory fails here too.
      const request = getFactory()!.open(name, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE);
      };
      request.onsuccess = () => settle(request.result);
      request.onerror = () => settle(undefined, request.error);
    } catch (err) {
      settle(undefined, err);
    }
  });
}

/** Issues requests on the store; `abort` ends the transaction with an error of its own. */
type Body = (
  store: IDBObjectStore,
  setResult: (value: unknown) => void,
  abort: (err: unknown) => void,
) => void;

/**
 * @internal Key records in the IndexedDB database `databaseName`. The connection opens on
 * first use; failing to open it is `KEY_UNAVAILABLE`, never a silent switch to memory.
 */
export function indexedDbStorage(
  getFactory: () => IDBFactory | undefined,
  databaseName: string,
): WebCryptoKeyStorage {
  let connection: Promise<IDBDatabase> | undefined;

  // Runs `body` in one transaction; resolves once the transaction commits.
  const run = async (mode: IDBTransactionMode, body: Body): Promise<unknown> => {
    connection ??= openDatabase(getFactory, databaseName).then(
      (db) => {
        // Let another tab upgrade or delete the database; reconnect on next use.
        db.onversionchange = () => {
          db.close();
          connection = undefined;
        };
        db.onclose = () => {
          connection = undefined;
        };
        return db;
      },
      (err: unknown) => {
        connection = undefined;
        throw err;
      },
    );
    const db = await connection;
    return new Promise((resolve, reject) => {
      let result: unknown;
      let failure: unknown;
      // A throw from here on rejects the promise.
      const tx = db.transaction(STORE, mode);
      tx.oncomplete = () => resolve(result);
      tx.onabort = tx.onerror = () =>
        reject(failure ?? tx.error ?? new Error('IndexedDB transaction aborted'));
      const abort = (err: unknown) => {
        failure = err;
        try {
          tx.abort();
        } catch {
          // Already finished or aborted: the rejection below still carries `failure`.
        }
      };
      try {
        body(
          tx.objectStore(STORE),
          (value) => {
            result = value;
          },
          abort,
        );
      } catch (err) {
        abort(err);
      }
    });
  };
  // One request whose result is the result.
  const read = (request: (store: IDBObjectStore) => IDBRequest) =>
    run('readonly', (store, set) => {
      const req = request(store);
      req.onsuccess = () => set(req.result);
    });

  return {
    persistent: true,
    get: (alias) => read((store) => store.get(alias)),
    putIfAbsent(alias, record) {
      // One readwrite transaction checks and writes, so two tabs racing keep the first key.
      return run('readwrite', (store, set, abort) => {
        const request = store.get(alias);
        request.onsuccess = () => {
          if (request.result !== undefined) return set(request.result);
          try {
            store.put(record, alias); // throws DataCloneError where keys cannot be stored
            set(record);
          } catch (err) {
            abort(err);
          }
        };
      });
    },
    async delete(alias) {
      await run('readwrite', (store) => {
        store.delete(alias);
      });
    },
    async list() {
      const keys = (await read((store) => store.getAllKeys())) as IDBValidKey[];
      return keys.filter((key): key is string => typeof key === 'string');
    },
  };
}
