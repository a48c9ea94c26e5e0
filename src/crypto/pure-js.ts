/**
 * Entry point `devicebind/crypto/pure-js`: the crypto backend for runtimes without WebCrypto.
 * Importing it also gives the core plain-JS stand-ins for TextEncoder, TextDecoder, atob, btoa
 * and URL where the runtime lacks them (React Native's Hermes): this module's one side
 * effect, which package.json declares (`sideEffects`) so that bundlers keep a bare import.
 *
 * @module devicebind/crypto/pure-js
 */

import { parseHttpUrlByHand } from '../core/request-target.js';
import { installRuntimeFallbacks } from '../core/runtime-fallbacks.js';
import { pureJsCodecs } from './codecs.js';

installRuntimeFallbacks({ ...pureJsCodecs, parseHttpUrl: parseHttpUrlByHand });

export { createPureJsCrypto, type PureJsCryptoOptions, pureJsCrypto } from './pure-js-backend.js';
