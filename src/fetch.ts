/**
 * Entry point `devicebind/fetch`: a `fetch` that signs every request with a DeviceBinding's
 * device key, follows redirects safely and answers server nonce challenges.
 *
 * @module devicebind/fetch
 */

export {
  type AccessTokenSource,
  type CreateFetchOptions,
  createFetch,
  type RequestSigner,
} from './core/bound-fetch.js';
