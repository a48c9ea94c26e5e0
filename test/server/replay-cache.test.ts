import { describe, expect, it } from 'vitest';
import { DeviceBindingError } from '../../src/core/errors.js';
import { MemoryReplayCache } from '../../src/server/replay-cache.js';
import { verifyRequest } from '../../src/server/verify-request.js';
import { rejection } from '../helpers/rejections.js';
import { makeProof, newKey, requestWith } from './helpers/proofs.js';

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
    ['maxEntriesPerDevice 0', { maxEntriesPerDevice: 0 }],
    ['fractional maxEntriesPerDevice', { maxEntriesPerDevice: 2.5 }],
    ['options that are not an object', 'big'],
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

describe('MemoryReplayCache: one device cannot lock the others out', () => {
  const URL_ = 'https://api.example.com/v1/items';

  it("one device's 2,000 valid proofs do not make a victim's request fail", async () => {
    // The attack as reported: a 2,000-entry cache, one account sending 2,000 proofs.
    const replayCache = new MemoryReplayCache({ maxEntries: 2000 });
    const attacker = await newKey();
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const request = await requestWith(await makeProof(attacker, { url: URL_ }), { url: URL_ });
      const outcome = await verifyRequest(request, {
        signingKey: attacker.publicJwk,
        replayCache,
      }).then(
        () => 'accepted',
        (err: DeviceBindingError) => err.code,
      );
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    // The attacker gets its share (a tenth) and is then refused, failing closed.
    expect(Object.fromEntries(outcomes)).toEqual({ accepted: 200, REPLAY_CHECK_FAILED: 1800 });

    const victim = await newKey();
    const request = await requestWith(await makeProof(victim, { url: URL_ }), { url: URL_ });
    const { deviceId } = await verifyRequest(request, {
      signingKey: victim.publicJwk,
      replayCache,
    });
    expect(deviceId).toBeTypeOf('string');
    // And the victim's proof is still single-use.
    await rejection(
      verifyRequest(request, { signingKey: victim.publicJwk, replayCache }),
      'REPLAYED',
    );
  });

  it('refuses a device past its share with REPLAY_CHECK_FAILED until its oldest ids expire', async () => {
    const { state, now } = clock();
    const cache = new MemoryReplayCache({ now, maxEntries: 100, maxEntriesPerDevice: 3 });
    for (let i = 0; i < 3; i++)
      expect(await cache.checkAndStore(`dev-a:${i}`, state.now + 1000 + i)).toBe(true);
    const err = await rejection(
      cache.checkAndStore('dev-a:3', state.now + 5000),
      'REPLAY_CHECK_FAILED',
    );
    expect(err.message).toContain('"maxEntriesPerDevice"');
    // Other devices are not affected.
    expect(await cache.checkAndStore('dev-b:0', state.now + 5000)).toBe(true);
    // The device's stored ids are still refused as replays.
    expect(await cache.checkAndStore('dev-a:1', state.now + 5000)).toBe(false);
    state.now += 1001; // dev-a:0 and dev-a:1 have expired
    expect(await cache.checkAndStore('dev-a:3', state.now + 5000)).toBe(true);
    expect(await cache.checkAndStore('dev-a:4', state.now + 5000)).toBe(true);
    await rejection(cache.checkAndStore('dev-a:5', state.now + 5000), 'REPLAY_CHECK_FAILED');
  });

  it('gives each device a tenth of maxEntries by default', async () => {
    const cache = new MemoryReplayCache({ maxEntries: 50 });
    const later = Date.now() + 60_000;
    for (let i = 0; i < 5; i++) expect(await cache.checkAndStore(`dev:${i}`, later)).toBe(true);
    await rejection(cache.checkAndStore('dev:5', later), 'REPLAY_CHECK_FAILED');
  });

  it('still fails closed when many devices together fill the cache', async () => {
    const cache = new MemoryReplayCache({ maxEntries: 20, maxEntriesPerDevice: 5 });
    const later = Date.now() + 60_000;
    for (let d = 0; d < 4; d++)
      for (let i = 0; i < 5; i++)
        expect(await cache.checkAndStore(`dev-${d}:${i}`, later)).toBe(true);
    const err = await rejection(cache.checkAndStore('dev-9:0', later), 'REPLAY_CHECK_FAILED');
    expect(err.message).toContain('the replay cache is full (20 unexpired ids)');
    expect(cache.size).toBe(20);
  });

  it('counts ids without a device (no ":") against maxEntries only', async () => {
    const cache = new MemoryReplayCache({ maxEntries: 10, maxEntriesPerDevice: 1 });
    const later = Date.now() + 60_000;
    for (let i = 0; i < 10; i++) expect(await cache.checkAndStore(`plain-${i}`, later)).toBe(true);
    await rejection(cache.checkAndStore('plain-10', later), 'REPLAY_CHECK_FAILED');
  });

  it("frees a device's share as its ids are swept, whichever sweep drops them", async () => {
    const { state, now } = clock();
    const cache = new MemoryReplayCache({ now, maxEntries: 1000, maxEntriesPerDevice: 10 });
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 10; i++)
        expect(await cache.checkAndStore(`dev:${round}-${i}`, state.now + 100)).toBe(true);
      state.now += 100;
    }
    expect(cache.size).toBeLessThanOrEqual(20);
    cache.clear();
    for (let i = 0; i < 10; i++)
      expect(await cache.checkAndStore(`dev:${i}`, state.now + 100)).toBe(true);
  });
});
