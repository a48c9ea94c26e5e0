import { describe, expect, it } from 'vitest';
import { LruMap } from '../../../src/server/lib/lru-map.js';

describe('LruMap', () => {
  it('never holds more than its capacity', () => {
    const map = new LruMap<number, number>(10);
    for (let i = 0; i < 1000; i++) {
      map.set(i, i);
      expect(map.size).toBeLessThanOrEqual(10);
    }
  });

  it('evicts the least recently used entry, counting reads as use', () => {
    const map = new LruMap<string, number>(3);
    map.set('a', 1);
    map.set('b', 2);
    map.set('c', 3);
    expect(map.get('a')).toBe(1); // b is now the least recently used
    map.set('d', 4);
    expect(map.get('b')).toBeUndefined();
    expect([map.get('a'), map.get('c'), map.get('d')]).toEqual([1, 3, 4]);
  });

  it('replaces a value without evicting anything', () => {
    const map = new LruMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.set('a', 10);
    expect([map.get('a'), map.get('b'), map.size]).toEqual([10, 2, 2]);
  });

  it('deletes', () => {
    const map = new LruMap<string, number>(2);
    map.set('a', 1);
    map.delete('a');
    expect(map.get('a')).toBeUndefined();
    expect(map.size).toBe(0);
  });
});
