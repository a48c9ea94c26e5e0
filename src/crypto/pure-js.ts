// Entry point `devicebind/crypto/pure-js`: the crypto backend for runtimes without WebCrypto.
export { createPureJsCrypto, type PureJsCryptoOptions, pureJsCrypto } from './pure-js-backend.js';
