// A key store whose app "dies" at a chosen write: the k-th generateKey or deleteKey never
// answers, either before it reaches the keys or after it changed them. Runs in Node and in
// the browser.

import type { KeyStore } from '../../src/keystores/contract.js';

/** Whether the app dies before its write reaches the store, or after. */
export type DeathPoint = 'before' | 'after';

/** A store whose app dies at a write. */
export interface DyingStore {
  readonly store: KeyStore;
  /** Resolves when the app has died. */
  readonly died: Promise<void>;
  /** How many writes the app made (counting the one it died at). */
  writes(): number;
}

/** A promise that never settles: what a dead app waits for. */
export const never = new Promise<never>(() => undefined);

/** A promise that resolves when `die` is called. */
export function deathSignal(): { died: Promise<void>; die: () => void } {
  let die!: () => void;
  const died = new Promise<void>((resolve) => {
    die = resolve;
  });
  return { died, die };
}

/** Wraps a store so that write `k` never answers, before or after it runs. */
export function dyingStore(inner: KeyStore, k: number, point: DeathPoint): DyingStore {
  const { died, die } = deathSignal();
  let writes = 0;
  let dead = false;
  const write = async <T>(run: () => Promise<T>): Promise<T> => {
    if (dead) return never;
    writes += 1;
    if (writes < k) return run();
    dead = true;
    if (point === 'after') await run();
    die();
    return never;
  };
  const alive = <T>(run: () => Promise<T>): Promise<T> => (dead ? never : run());
  return {
    died,
    writes: () => writes,
    store: {
      name: inner.name,
      capabilities: () => alive(() => inner.capabilities()),
      generateKey: (alias, spec) => write(() => inner.generateKey(alias, spec)),
      getKey: (alias) => alive(() => inner.getKey(alias)),
      sign: (alias, data, options) => alive(() => inner.sign(alias, data, options)),
      deriveSharedSecret: (alias, peer, options) =>
        alive(() => inner.deriveSharedSecret(alias, peer, options)),
      decrypt: (alias, data, options) => alive(() => inner.decrypt(alias, data, options)),
      deleteKey: (alias) => write(() => inner.deleteKey(alias)),
      listAliases: () => alive(() => inner.listAliases()),
    },
  };
}
