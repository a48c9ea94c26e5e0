// Browser-side: reads IndexedDB directly (not through the key store) and reports every
// CryptoKey it finds, so tests can see what is really kept on disk and how.

/** One CryptoKey found in a stored record. */
export interface StoredKeyReport {
  database: string;
  objectStore: string;
  /** The record's key in its object store. */
  recordKey: string;
  /** Where in the record the CryptoKey sits, e.g. `privateKey`. */
  path: string;
  type: KeyType;
  extractable: boolean;
  algorithm: string;
  usages: KeyUsage[];
  /** The CryptoKey itself, for tests that go on to use it in the same page. */
  key: CryptoKey;
}

/** Everything found: the databases of this origin and the keys in their records. */
export interface IndexedDbReport {
  databases: string[];
  keys: StoredKeyReport[];
  /** Record count per `database/objectStore`. */
  records: Record<string, number>;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function open(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    // Opening a name that does not exist would create it: refuse instead.
    req.onupgradeneeded = () => {
      req.transaction?.abort();
      reject(new Error(`IndexedDB database ${name} does not exist`));
    };
  });
}

function collectKeys(
  value: unknown,
  path: string,
  out: { path: string; key: CryptoKey }[],
  depth = 0,
): void {
  if (value instanceof CryptoKey) {
    out.push({ path, key: value });
    return;
  }
  if (depth > 8 || value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return;
  for (const [name, child] of Object.entries(value)) {
    collectKeys(child, path === '' ? name : `${path}.${name}`, out, depth + 1);
  }
}

/** Reads every record of every object store of this origin's databases (or of `only`). */
export async function inspectIndexedDb(only?: string): Promise<IndexedDbReport> {
  const names = (await indexedDB.databases())
    .map((info) => info.name ?? '')
    .filter((name) => name !== '');
  const report: IndexedDbReport = { databases: names.sort(), keys: [], records: {} };
  for (const name of report.databases) {
    if (only !== undefined && name !== only) continue;
    const db = await open(name);
    try {
      for (const storeName of Array.from(db.objectStoreNames)) {
        const store = db.transaction(storeName, 'readonly').objectStore(storeName);
        const [values, recordKeys] = await Promise.all([
          request(store.getAll()),
          request(store.getAllKeys()),
        ]);
        report.records[`${name}/${storeName}`] = values.length;
        values.forEach((value, index) => {
          const found: { path: string; key: CryptoKey }[] = [];
          collectKeys(value, '', found);
          for (const { path, key } of found) {
            report.keys.push({
              database: name,
              objectStore: storeName,
              recordKey: String(recordKeys[index]),
              path,
              type: key.type,
              extractable: key.extractable,
              algorithm: key.algorithm.name,
              usages: [...key.usages],
              key,
            });
          }
        });
      }
    } finally {
      db.close();
    }
  }
  return report;
}

/** Deletes one database and waits until it is gone. */
export async function deleteDatabase(name: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
  });
}
