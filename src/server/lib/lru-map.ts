// A small bounded map that forgets the least recently used entry first: the verifier's
// caches of parsed proof headers and imported public keys.

interface Slot<V> {
  readonly value: V;
  used: number;
}

/**
 * @internal A Map bounded to `capacity` entries, least recently used evicted first. A hit
 * only stamps the entry (no re-insertion, which would churn the Map on every request); the
 * scan for the oldest stamp happens only when a new entry arrives in a full map.
 */
export class LruMap<K, V> {
  readonly #slots = new Map<K, Slot<V>>();
  readonly #capacity: number;
  #clock = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#slots.size;
  }

  get(key: K): V | undefined {
    const slot = this.#slots.get(key);
    if (slot === undefined) return undefined;
    slot.used = ++this.#clock;
    return slot.value;
  }

  set(key: K, value: V): void {
    if (!this.#slots.has(key) && this.#slots.size >= this.#capacity) this.#evictOldest();
    this.#slots.set(key, { value, used: ++this.#clock });
  }

  delete(key: K): void {
    this.#slots.delete(key);
  }

  #evictOldest(): void {
    let oldestKey: K | undefined;
    let oldest = Number.POSITIVE_INFINITY;
    for (const [key, slot] of this.#slots) {
      if (slot.used < oldest) {
        oldest = slot.used;
        oldestKey = key;
      }
    }
    if (oldestKey !== undefined) this.#slots.delete(oldestKey);
  }
}
