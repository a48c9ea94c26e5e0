// Writes test/fixtures/rsa-test-keys.json: two fixed 2048-bit RSA private keys ("a", "b") the
// tests use where generating a key each time would be slow. They are test keys, made here and
// published with the tests; nothing else may trust them. Run again only to replace them (the
// stream vectors embed key "a": run scripts/make-stream-vectors.mjs afterwards).
//
//   node scripts/make-test-keys.mjs

import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';

function rsaKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const { kty, n, e, d, p, q, dp, dq, qi } = privateKey.export({ format: 'jwk' });
  return { kty, n, e, d, p, q, dp, dq, qi };
}

const file = new URL('../test/fixtures/rsa-test-keys.json', import.meta.url);
const keys = {
  about: 'Test keys made by scripts/make-test-keys.mjs (node:crypto); never trust them.',
  a: rsaKey(),
  b: rsaKey(),
};
writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
