// A small in-process IndexedDB stand-in for the WebCrypto store's Node tests: one object
// store per database, values kept by structured clone, readwrite transactions run one at a
// time (as IndexedDB does for overlapping scopes), and injectable open failures.

type Handler = ((this: unknown, event: Event) => void) | null;

/** How `open` misbehaves: fire an error event, throw from `open`, or never answer. */
export type FakeOpenFailure = 'error' | 'throw' | 'hang';

export interface FakeIndexedDb {
  factory: IDBFactory;
  /** Database name → object store name → key → stored (cloned) value. */
  readonly databases: Map<string, Map<string, Map<IDBValidKey, unknown>>>;
  /** Set to make the next `open` calls fail. */
  failOpen: FakeOpenFailure | undefined;
  /** How many times `open` was called. */
  opens: number;
  /** Makes `put` throw a DataCloneError, as browsers that cannot store CryptoKeys do. */
  failPut: boolean;
}

const EVENT = {} as Event;
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

interface FakeRequest {
  result: unknown;
  error: DOMException | null;
  onsuccess: Handler;
  onerror: Handler;
  onupgradeneeded?: Handler;
}

function request(): FakeRequest {
  return { result: undefined, error: null, onsuccess: null, onerror: null };
}

/** Creates a fresh fake IndexedDB. */
export function createFakeIndexedDb(): FakeIndexedDb {
  const databases = new Map<string, Map<string, Map<IDBValidKey, unknown>>>();
  const queues = new Map<string, Promise<void>>();
  const fake: FakeIndexedDb = {
    factory: undefined as unknown as IDBFactory,
    databases,
    failOpen: undefined,
    opens: 0,
    failPut: false,
  };

  function connection(name: string) {
    const stores = databases.get(name)!;
    const db = {
      onversionchange: null as Handler,
      onclose: null as Handler,
      objectStoreNames: { contains: (store: string) => stores.has(store) },
      createObjectStore(store: string) {
        stores.set(store, new Map());
      },
      close() {},
      transaction(storeName: string, mode: IDBTransactionMode) {
        const data = stores.get(storeName);
        if (data === undefined) throw new DOMException('no such object store', 'NotFoundError');
        const pending: (() => void)[] = [];
        let aborted = false;
        const tx = {
          mode,
          error: null as DOMException | null,
          oncomplete: null as Handler,
          onerror: null as Handler,
          onabort: null as Handler,
          abort() {
            aborted = true;
          },
          objectStore() {
            const op = (perform: () => unknown) => {
              const req = request();
              pending.push(() => {
                req.result = perform();
                req.onsuccess?.call(req, EVENT);
              });
              return req;
            };
            return {
              get: (key: IDBValidKey) => op(() => structuredClone(data.get(key))),
              getAllKeys: () => op(() => [...data.keys()]),
              put(value: unknown, key: IDBValidKey) {
                if (mode !== 'readwrite')
                  throw new DOMException('read-only transaction', 'ReadOnlyError');
                if (fake.failPut) throw new DOMException('cannot clone', 'DataCloneError');
                const copy = structuredClone(value); // throws DataCloneError like IndexedDB
                return op(() => data.set(key, copy));
              },
              delete(key: IDBValidKey) {
                if (mode !== 'readwrite')
                  throw new DOMException('read-only transaction', 'ReadOnlyError');
                return op(() => data.delete(key));
              },
            };
          },
        };
        const run = async () => {
          const snapshot = new Map(data);
          await tick();
          while (pending.length > 0 && !aborted) {
            pending.shift()!();
            await tick();
          }
          if (aborted) {
            data.clear();
            for (const [key, value] of snapshot) data.set(key, value);
            tx.error = new DOMException('aborted', 'AbortError');
            tx.onabort?.call(tx, EVENT);
          } else {
            tx.oncomplete?.call(tx, EVENT);
          }
        };
        // Transactions on one database run one after another.
        const queued = (queues.get(name) ?? Promise.resolve()).then(run);
        queues.set(name, queued);
        return tx;
      },
    };
    return db;
  }

  fake.factory = {
    open(name: string) {
      fake.opens++;
      if (fake.failOpen === 'throw')
        throw new DOMException('IndexedDB is disabled', 'SecurityError');
      const req = request();
      if (fake.failOpen === 'hang') return req;
      const failing = fake.failOpen === 'error';
      setTimeout(() => {
        if (failing) {
          req.error = new DOMException('the database could not be opened', 'UnknownError');
          req.onerror?.call(req, EVENT);
          return;
        }
        const isNew = !databases.has(name);
        if (isNew) databases.set(name, new Map());
        req.result = connection(name);
        if (isNew) req.onupgradeneeded?.call(req, EVENT);
        req.onsuccess?.call(req, EVENT);
      }, 0);
      return req;
    },
  } as unknown as IDBFactory;
  return fake;
}
