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
  'IndexedDB cannot be used here (private browsing, Lockdown Mode?), so keys cannot be kept: allow site ' +
  'storage, or pass storage: "memory" to WebCryptoKeyStore (a new device key and handshake on each load)';

function unusable(cause: unknown): DeviceBindingError {
  return new DeviceBindingError('KEY_UNAVAILABLE', INDEXEDDB_UNUSABLE, { cause });
}

function openDatabase(
  getFactory: () => IDBFactory | undefined,
  name: string,
): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(unusable(new Error('indexedDB.open did not answer in time')));
    }, OPEN_TIMEOUT_MS);
    const settle = (db: IDBDatabase | undefined, error?: unknown) => {
      if (settled) {
        db?.close();
        return;
      }
      settled = true;
      clearTimeout(timer);
      if (db === undefined) reject(unusable(error));
      else resolve(db);
    };
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

  const connect = (): Promise<IDBDatabase> => {
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
    return connection;
  };

  const run = async (mode: IDBTransactionMode, body: Body): Promise<unknown> => {
    const db = await connect();
    return new Promise((resolve, reject) => {
      let result: unknown;
      let failure: unknown;
      let tx: IDBTransaction;
      try {
        tx = db.transaction(STORE, mode);
      } catch (err) {
        reject(err);
        return;
      }
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

  return {
    persistent: true,
    get(alias) {
      return run('readonly', (store, set) => {
        const request = store.get(alias);
        request.onsuccess = () => set(request.result);
      });
    },
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
      const keys = await run('readonly', (store, set) => {
        const request = store.getAllKeys();
        request.onsuccess = () => set(request.result);
      });
      return (keys as IDBValidKey[]).filter((key): key is string => typeof key === 'string');
    },
  };
}
