import { describe, expect, it } from 'vitest';
import { normalizeHtu } from '../../../src/server/lib/htu.js';

describe('normalizeHtu (RFC 9449 §4.3, RFC 3986 §6.2.2–6.2.3)', () => {
  it.each([
    ['https://api.example.com/a', 'https://api.example.com/a'],
    ['HTTPS://API.Example.COM/a', 'https://api.example.com/a'],
    ['https://api.example.com:443/a', 'https://api.example.com/a'],
    ['http://api.example.com:80/a', 'http://api.example.com/a'],
    ['https://api.example.com:8443/a', 'https://api.example.com:8443/a'],
    ['https://api.example.com', 'https://api.example.com/'],
    ['https://api.example.com/a?b=c#d', 'https://api.example.com/a'],
    ['https://api.example.com/a/./b/../c', 'https://api.example.com/a/c'],
    ['https://api.example.com/a/%2e%2E/c', 'https://api.example.com/c'],
    ['https://api.example.com/%7euser/%41', 'https://api.example.com/~user/A'],
    ['https://api.example.com/a%2fb%3a', 'https://api.example.com/a%2Fb%3A'],
    ['https://api.example.com/caf\u00e9', 'https://api.example.com/caf%C3%A9'],
    ['https://b\u00fccher.example/', 'https://xn--bcher-kva.example/'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeHtu(input)).toBe(expected);
  });

  it.each([
    '/relative',
    'ftp://example.com/a',
    'mailto:a@example.com',
    'not a url',
    'https://',
    'javascript:alert(1)',
  ])('refuses %s', (input) => {
    expect(normalizeHtu(input)).toBeUndefined();
  });

  it('refuses userinfo in a claim but ignores it in the request URL', () => {
    expect(normalizeHtu('https://user:pw@api.example.com/a')).toBeUndefined();
    expect(normalizeHtu('https://user:pw@api.example.com/a', { allowUserinfo: true })).toBe(
      'https://api.example.com/a',
    );
  });
});
