import { describe, expect, it } from 'vitest';
import { DeviceBindingError } from '../../src/core/errors.js';
import {
  normalizeMethod,
  parseHttpUrl,
  parseHttpUrlByHand,
  urlParserWorks,
} from '../../src/core/request-target.js';

const cases: [string, string, string][] = [
  [
    'https://api.example.com/v1/items?q=1#top',
    'https://api.example.com',
    'https://api.example.com/v1/items',
  ],
  ['HTTPS://API.Example.COM:443/Path', 'https://api.example.com', 'https://api.example.com/Path'],
  ['http://example.com:80', 'http://example.com', 'http://example.com/'],
  ['http://127.0.0.1:8080/x/', 'http://127.0.0.1:8080', 'http://127.0.0.1:8080/x/'],
  ['https://[::1]:8443/a', 'https://[::1]:8443', 'https://[::1]:8443/a'],
  ['https://example.com?x', 'https://example.com', 'https://example.com/'],
];
const invalid = [
  '/relative',
  'https://user@example.com/',
  'https://a@b/',
  'https://example.com@evil.example/x',
  'ftp://example.com/x',
  'https://user:pw@example.com/',
  'https://',
  'https://exa mple.com/',
  'not a url',
];

describe('parseHttpUrl (platform URL parser)', () => {
  it.each(cases)('parses %s', (url, origin, htu) => {
    expect(parseHttpUrl(url)).toEqual({ origin, htu });
    expect(parseHttpUrl(new URL(url))).toEqual({ origin, htu });
  });
  it.each(invalid)('refuses %j', (url) => {
    expect(() => parseHttpUrl(url, '"options.url"')).toThrow(DeviceBindingError);
  });
  it.each([42, null, undefined, {}])('refuses the non-URL %j', (value) => {
    expect(() => parseHttpUrl(value)).toThrow(DeviceBindingError);
  });
});

describe('parseHttpUrlByHand (runtimes without a working URL, as React Native)', () => {
  it.each(cases)('parses %s exactly as the URL parser does', (url, origin, htu) => {
    expect(parseHttpUrlByHand(url)).toEqual({ origin, htu });
  });
  it.each([...invalid, 'https://example.com/a b', 'https://example.com/a\nb'])(
    'refuses %j',
    (url) => {
      expect(parseHttpUrlByHand(url)).toBeUndefined();
    },
  );
});

/** Median milliseconds of `runs` calls of `fn`. */
function medianMs(fn: () => void, runs = 7): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[runs >> 1]!;
}

// The shapes that made the 0.1.0 pattern backtrack quadratically: a long authority or path
// that fails at its very end (whitespace, a stray "@").
const adversarial = {
  'a long host ending in a space': (n: number) => `http://${'a'.repeat(n)} `,
  'a long path ending in a space': (n: number) => `http://a/${'b'.repeat(n)} `,
  'a long host ending in "@"': (n: number) => `http://${'a'.repeat(n)}@`,
  'a long query ending in a space': (n: number) => `http://a/?${'q'.repeat(n)} `,
  'a long host with a six-digit port': (n: number) => `http://${'a'.repeat(n)}:123456/`,
};

describe('URL length and parsing time (the by-hand parser React Native uses)', () => {
  it('refuses a 1 MB URL, in about the time it takes for 10 KB', () => {
    const large = `https://api.example.com/${'a'.repeat(1 << 20)}`;
    const small = `https://api.example.com/${'a'.repeat(10_000)}`;
    expect(parseHttpUrlByHand(large)).toBeUndefined();
    expect(parseHttpUrlByHand(small)?.origin).toBe('https://api.example.com');
    const ratio =
      medianMs(() => parseHttpUrlByHand(large)) /
      Math.max(
        medianMs(() => parseHttpUrlByHand(small)),
        0.01,
      );
    // Refused on its length alone; 0.1.0 took minutes on it.
    expect(ratio).toBeLessThan(100);
  });

  it('accepts a URL of 65536 characters, and not one more', () => {
    const url = `https://api.example.com/${'a'.repeat(65536 - 24)}`;
    expect(url).toHaveLength(65536);
    expect(parseHttpUrlByHand(url)?.origin).toBe('https://api.example.com');
    expect(parseHttpUrlByHand(`${url}a`)).toBeUndefined();
  });

  it.each(Object.entries(adversarial))(
    'parses %s in linear time: 64 KiB takes under 1,000 times as long as 1 KiB',
    (_, make) => {
      const small = make(1024);
      const large = make(65536 - 64);
      expect(parseHttpUrlByHand(small)).toBeUndefined();
      expect(parseHttpUrlByHand(large)).toBeUndefined();
      // Linear time gives 64 times the work (a few hundred times the time at most, as the
      // small input stays in the CPU cache); quadratic growth gives 4,096 times, and the
      // 0.1.0 pattern backtracked quadratically on exactly these shapes.
      const ratio =
        medianMs(() => parseHttpUrlByHand(large)) /
        Math.max(
          medianMs(() => parseHttpUrlByHand(small)),
          0.01,
        );
      expect(ratio).toBeLessThan(1000);
    },
  );
});

describe('urlParserWorks', () => {
  it('accepts the platform URL', () => {
    expect(urlParserWorks(URL)).toBe(true);
  });
  it('rejects a missing URL', () => {
    expect(urlParserWorks(undefined)).toBe(false);
  });
  it('rejects a URL whose getters throw, as React Native’s does', () => {
    class NotImplementedUrl {
      get href(): string {
        throw new Error('not implemented');
      }
    }
    expect(urlParserWorks(NotImplementedUrl as unknown as typeof URL)).toBe(false);
  });
});

describe('normalizeMethod', () => {
  it('upper-cases the methods fetch upper-cases, and only those', () => {
    expect(normalizeMethod('post')).toBe('POST');
    expect(normalizeMethod('patch')).toBe('patch');
  });
  it('refuses a method that is not a token', () => {
    expect(() => normalizeMethod('GE T')).toThrow(DeviceBindingError);
  });
});
