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
  it.each(invalid)('refuses %j', (url) => {
    expect(parseHttpUrlByHand(url)).toBeUndefined();
  });
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
