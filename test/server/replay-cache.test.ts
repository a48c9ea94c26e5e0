import { describe, expect, it } from 'vitest';
import { DeviceBindingError } from '../../src/core/errors.js';
import { MemoryReplayCache } from '../../src/server/replay-cache.js';

function clock(start = 1_800_000_000_000) {
  const state = { now: start };
  return { state, now: () => state.now };
}

describe('MemoryReplayCache', () => {
  it('accepts an id once, then refuses it until it expires', async () => {
    const { state, now } = clock();
    const cache = new MemoryReplayCache({ now });
    expect(await cache.checkAndStore('a', state.now + 1000)).toBe(true);
    expect(await cache.checkAndStore('a', state.now + 1000)).toBe(false);
    state.now += 999;
    expect(await cache.checkAndStore('a', state.now + 1000)).toBe(false);
    state.now += 1;
    expect(await cache.checkAndStore('a', state.now + 1000)).toBe(true);
  });

  it('keeps an id for ttlSeconds when no expiry is given', async () => {
    const { state, now } = clock();
    const cache = new MemoryReplayCache({ now, ttlSeconds: 10 });
    expect(await cache.checkAndStore('a')).toBe(true);
    state.now += 9_999;
    expect(await cache.checkAndStore('a')).toBe(false);
    state.now += 1;
    expect(await cache.checkAndStore('a')).toBe(true);
  });

  it('does not store an id whose expiry has already passed', async () => {
    const { state, now } = clock();
    const cache = new MemoryReplayCache({ now });
    expect(await cache.checkAndStore('a', state.now - 1)).toBe(true);
    expect(cache.size).toBe(0);
  });

  it('stays within maxEntries by dropping expired ids, oldest first', async () => {
    const { state, now } = clock();
    const cache = new MemoryReplayCache({ now, maxEntries: 100 });
    for (let i = 0; i < 100; i++)
      expect(await cache.checkAndStore(`old-${i}`, state.now + 1000 + i)).toBe(true);
    state.now += 1050; // old-0 … old-50 have expired
    for (let i = 0; i < 50; i++)
      expect(await cache.checkAndStore(`new-${i}`, state.now + 1000)).toBe(true);
    expect(cache.size).toBeLessThanOrEqual(100);
    // The unexpired old ids are still remembered.
    for (let i = 51; i < 100; i++)
      expect(await cache.checkAndStore(`old-${i}`, state.now + 1000)).toBe(false);
  });

  it('refuses new ids when full of unexpired ones instead of forgetting any', async () => {
    const { state, now } = clock();
    const cache = new MemoryReplayCache({ now, maxEntries: 10 });
    for (let i = 0; i < 10; i++) await cache.checkAndStore(`id-${i}`, state.now + 60_000);
    const err = await cache.checkAndStore('one-more', state.now + 60_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceBindingError);
    expect((err as DeviceBindingError).code).toBe('REPLAY_CHECK_FAILED');
    // Every stored id is still refused as a replay.
    for (let i = 0; i < 10; i++)
      expect(await cache.checkAndStore(`id-${i}`, state.now + 60_000)).toBe(false);
    // Once they expire there is room again.
    state.now += 60_000;
    expect(await cache.checkAndStore('one-more', state.now + 60_000)).toBe(true);
  });

  it('holds no more than maxEntries under a long stream of ids', async () => {
    const { state, now } = clock();
    const cache = new MemoryReplayCache({ now, maxEntries: 1000 });
    for (let i = 0; i < 20_000; i++) {
      state.now += 10;
      await cache.checkAndStore(`id-${i}`, state.now + 5_000);
      expect(cache.size).toBeLessThanOrEqual(1000);
    }
  });

  it('lets exactly one of many concurrent calls with the same id through', async () => {
    const cache = new MemoryReplayCache();
    const results = await Promise.all(
      Array.from({ length: 200 }, () => cache.checkAndStore('same', Date.now() + 60_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('lets every one of many concurrent distinct ids through', async () => {
    const cache = new MemoryReplayCache();
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) => cache.checkAndStore(`id-${i}`, Date.now() + 60_000)),
    );
    expect(results.every(Boolean)).toBe(true);
    expect(cache.size).toBe(500);
  });

  it('forgets everything on clear()', async () => {
    const cache = new MemoryReplayCache();
    await cache.checkAndStore('a', Date.now() + 60_000);
    cache.clear();
    expect(await cache.checkAndStore('a', Date.now() + 60_000)).toBe(true);
  });

  it.each([
    ['maxEntries 0', { maxEntries: 0 }],
    ['fractional maxEntries', { maxEntries: 1.5 }],
    ['negative ttlSeconds', { ttlSeconds: -1 }],
    ['a non-function now', { now: 5 }],
  ])('refuses options with %s', (_, options) => {
    expect(() => new MemoryReplayCache(options as never)).toThrow(DeviceBindingError);
  });

  it.each([
    ['an empty id', '', 1],
    ['a non-string id', 42, 1],
    ['a NaN expiry', 'a', Number.NaN],
  ])('refuses %s', async (_, id, expiresAt) => {
    const err = await new MemoryReplayCache()
      .checkAndStore(id as never, expiresAt)
      .catch((e: unknown) => e);
    expect((err as DeviceBindingError).code).toBe('INVALID_ARGUMENT');
  });
});
