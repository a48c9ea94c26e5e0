// createRevocationList: Google's status list as data or loaded through a function, loaded at
// most once per maxAge however many verifications ask, stale-but-usable while loading fails,
// and unavailable (fail closed unless chosen otherwise) when there is no usable list.

import { describe, expect, it } from 'vitest';
import { createRevocationList } from '../../../src/server/attestation/index.js';
import { codeOf } from './helpers.js';

const LIST = {
  entries: {
    '6681152659205225093': { status: 'REVOKED', reason: 'KEY_COMPROMISE' },
    cc66e9a93713b6e643b26c15879786f7: {
      status: 'SUSPENDED',
      reason: 'KEY_COMPROMISE',
      comment: 'x',
    },
  },
};

function clock(start = 1_000_000) {
  let time = start;
  return { now: () => time, advance: (seconds: number) => (time += seconds * 1000) };
}

describe('createRevocationList', () => {
  it('finds listed serials given as data, whatever their case and leading zeros', async () => {
    const list = createRevocationList({ list: LIST });
    const { available, entries } = await list.lookup(['0CC66E9A93713B6E643B26C15879786F7', '1']);
    expect(available).toBe(true);
    expect(entries.get('0CC66E9A93713B6E643B26C15879786F7')).toEqual({
      status: 'SUSPENDED',
      reason: 'KEY_COMPROMISE',
      comment: 'x',
    });
    expect(entries.has('1')).toBe(false);
  });

  it('compares serials made only of decimal digits as hex, as Google does', async () => {
    const list = createRevocationList({ list: LIST });
    const { entries } = await list.lookup(['6681152659205225093']);
    expect(entries.get('6681152659205225093')?.status).toBe('REVOKED');
  });

  it('loads once for concurrent lookups, and not again within maxAgeSeconds', async () => {
    const time = clock();
    let loads = 0;
    const list = createRevocationList({
      load: async () => {
        loads++;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return LIST;
      },
      maxAgeSeconds: 60,
      now: time.now,
    });
    await Promise.all([list.lookup(['1']), list.lookup(['2']), list.lookup(['3'])]);
    time.advance(59);
    await list.lookup(['4']);
    expect(loads).toBe(1);
    time.advance(2);
    await list.lookup(['5']);
    expect(loads).toBe(2);
  });

  it('keeps using the last list while loading fails, up to maxStaleSeconds', async () => {
    const time = clock();
    let fail = false;
    const list = createRevocationList({
      load: async () => {
        if (fail) throw new Error('offline');
        return LIST;
      },
      maxAgeSeconds: 60,
      maxStaleSeconds: 600,
      retryAfterSeconds: 0,
      now: time.now,
    });
    await list.lookup(['1']);
    fail = true;
    time.advance(300);
    expect((await list.lookup(['6681152659205225093'])).entries.size).toBe(1);
    time.advance(400);
    expect((await list.lookup(['6681152659205225093'])).available).toBe(false);
  });

  it('is unavailable before any list loaded, and waits retryAfterSeconds before trying again', async () => {
    const time = clock();
    let loads = 0;
    const list = createRevocationList({
      load: async () => {
        loads++;
        throw new Error('offline');
      },
      retryAfterSeconds: 30,
      now: time.now,
    });
    expect((await list.lookup(['1'])).available).toBe(false);
    time.advance(10);
    expect((await list.lookup(['1'])).available).toBe(false);
    expect(loads).toBe(1);
    time.advance(25);
    await list.lookup(['1']);
    expect(loads).toBe(2);
  });

  it('counts a loaded document that is not a status list as unavailable', async () => {
    const list = createRevocationList({ load: async () => ({ revoked: ['1'] }) });
    expect((await list.lookup(['1'])).available).toBe(false);
  });

  it('fails closed and refuses SUSPENDED keys by default', () => {
    const list = createRevocationList({ list: LIST });
    expect(list.whenUnavailable).toBe('refuse');
    expect(list.suspended).toBe('refuse');
  });

  it.each([
    ['no options', undefined],
    ['neither list nor load', {}],
    ['both list and load', { list: LIST, load: async () => LIST }],
    ['a list that is not a status list', { list: { entries: [] } }],
    ['a list entry without status', { list: { entries: { ab: { reason: 'x' } } } }],
    ['a serial that is not hex', { list: { entries: { 'not-hex': { status: 'REVOKED' } } } }],
    ['a load that is not a function', { load: 'https://example.com' }],
    ['a negative maxAgeSeconds', { list: LIST, maxAgeSeconds: -1 }],
    ['an unknown whenUnavailable', { list: LIST, whenUnavailable: 'maybe' }],
    ['an unknown suspended', { list: LIST, suspended: 'ignore' }],
  ])('refuses %s with INVALID_ARGUMENT', async (_, options) => {
    expect(await codeOf((async () => createRevocationList(options as never))())).toBe(
      'INVALID_ARGUMENT',
    );
  });
});
