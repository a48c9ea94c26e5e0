// Stores that sign wrongly: DER instead of r ‖ s, other bytes than given, a whole buffer
// instead of its view, a prefix of large inputs, or never answering.

import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '../../../src/core/bytes.js';
import { DelegatingStore } from './delegating-store.js';

/** Returns ES256 signatures in ASN.1 DER, as Android Keystore and iOS do natively. */
export class DerSignatureStore extends DelegatingStore {
  constructor() {
    super('der-signatures');
  }

  override async sign(alias: string, data: Uint8Array): Promise<Uint8Array> {
    const signature = await this.inner.sign(alias, data);
    const info = await this.inner.getKey(alias);
    if (info?.algorithm !== 'ES256') return signature;
    return p256.Signature.fromBytes(signature, 'compact').toBytes('der');
  }
}

/** Signs the data with a zero byte appended. */
export class AppendedByteSignStore extends DelegatingStore {
  constructor() {
    super('signs-appended-byte');
  }

  override sign(alias: string, data: Uint8Array): Promise<Uint8Array> {
    return this.inner.sign(
      alias,
      data instanceof Uint8Array ? concatBytes(data, Uint8Array.of(0)) : data,
    );
  }
}

/** Signs the SHA-256 digest of the data as if it were the message (a double hash). */
export class DigestSignStore extends DelegatingStore {
  constructor() {
    super('signs-digest');
  }

  override sign(alias: string, data: Uint8Array): Promise<Uint8Array> {
    return this.inner.sign(alias, data instanceof Uint8Array ? sha256(data) : data);
  }
}

/** Signs the whole underlying buffer of a view (the `data.buffer` mistake). */
export class WholeBufferSignStore extends DelegatingStore {
  constructor() {
    super('signs-whole-buffer');
  }

  override sign(alias: string, data: Uint8Array): Promise<Uint8Array> {
    return this.inner.sign(alias, data instanceof Uint8Array ? new Uint8Array(data.buffer) : data);
  }
}

/** Signs only the first 64 KiB (a bridge that truncates large messages). */
export class PrefixSignStore extends DelegatingStore {
  constructor() {
    super('signs-prefix');
  }

  override sign(alias: string, data: Uint8Array): Promise<Uint8Array> {
    return this.inner.sign(alias, data instanceof Uint8Array ? data.subarray(0, 65536) : data);
  }
}

/** Never settles a sign call. */
export class HangingSignStore extends DelegatingStore {
  constructor() {
    super('hangs-on-sign');
  }

  override sign(): Promise<Uint8Array> {
    return new Promise(() => {});
  }
}
