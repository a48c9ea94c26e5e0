// Setup file of the `node-purejs` vitest project: replaces globalThis.crypto with an object
// that has only getRandomValues, as on React Native's Hermes with a random-values polyfill,
// so the core's tests run against the pure-JS backend (see crypto-option.ts).

const nodeCrypto = globalThis.crypto;

const randomOnly: Pick<Crypto, 'getRandomValues'> = Object.freeze({
  getRandomValues: nodeCrypto.getRandomValues.bind(nodeCrypto),
});

Object.defineProperty(globalThis, 'crypto', {
  value: randomOnly,
  configurable: true,
  enumerable: true,
  writable: true,
});
