/**
 * Entry point `devicebind/crypto/pure-js`: the crypto backend for runtimes without WebCrypto.
 * Importing it also gives the core plain-JS stand-ins for TextEncoder, TextDecoder, atob, btoa
 * and URL where the runtime lacks them (React Native's Hermes).
 *
 * @module devicebind/crypto/pure-js
 */

export { createPureJsCrypto, type PureJsCryptoOptions, pureJsCrypto } from './pure-js-backend.js';
