// The catalogue of deliberately broken stores: how each breaks the KeyStore contract, the
// checks the kit must fail it on (and what their errors must say), and checks of unrelated
// rules it must still pass, so the kit is shown to point at the fault.

import type { KeyStore } from '../../../src/keystores/contract.js';
import type { KeyStoreConformanceOptions } from '../../../src/testing/index.js';
import {
  OverclaimingStore,
  UnderclaimingStore,
  UnstableCapabilitiesStore,
} from './capability-breakages.js';
import { NoPeerValidationStore, WrongSecretStore } from './ecdh-breakages.js';
import {
  LenientAliasStore,
  NoPurposeCheckStore,
  PlainErrorStore,
  SyncThrowStore,
  TypeErrorStore,
} from './error-breakages.js';
import {
  FakeDeleteStore,
  LeakingPrivateKeyStore,
  RacyGenerateStore,
  RegeneratingStore,
  SharedAliasListStore,
  StaleIndexStore,
  UndefinedForUnknownStore,
} from './key-breakages.js';
import {
  BothHashesStore,
  GarbageOnFailureStore,
  WrongHashStore,
  WrongJwkAlgStore,
} from './rsa-breakages.js';
import {
  AppendedByteSignStore,
  DerSignatureStore,
  DigestSignStore,
  HangingSignStore,
  PrefixSignStore,
  WholeBufferSignStore,
} from './signature-breakages.js';

export interface BrokenStoreCase {
  /** What the store does wrong. */
  readonly breakage: string;
  readonly create: () => KeyStore;
  readonly options?: KeyStoreConformanceOptions;
  /** Result names that must fail, with a pattern their error must match. */
  readonly fails: Readonly<Record<string, RegExp>>;
  /** Result names of unrelated rules that must run and pass. */
  readonly passes: readonly string[];
}

// RSA keys are slow to make: the RSA breakages run the checks that matter for them.
const RSA_OPTIONS: KeyStoreConformanceOptions = {
  algorithms: ['RSA-OAEP-256'],
  only: [
    'generate-key-info',
    'rsa-oaep-round-trip',
    'rsa-oaep-rejects-corrupted-ciphertext',
    'rsa-oaep-hash-strict',
  ],
};

const NOT_VERIFYING = /does not verify with the key's public JWK/;

export const BROKEN_STORES: readonly BrokenStoreCase[] = [
  {
    breakage: 'returns ASN.1 DER ECDSA signatures instead of r ‖ s',
    create: () => new DerSignatureStore(),
    fails: {
      'sign-jose-form (ES256)': /returned 7\d bytes and looks like an ASN\.1 DER ECDSA signature/,
      'sign-empty-input (ES256)': /DER/,
    },
    passes: [
      'sign-jose-form (EdDSA)',
      'ecdh-matches-peer (ECDH-ES)',
      'public-jwk-no-private-members (ES256)',
    ],
  },
  {
    breakage: 'puts the private scalar d into the public JWK',
    create: () => new LeakingPrivateKeyStore(),
    fails: {
      'public-jwk-no-private-members (ES256)': /carries private member\(s\) d/,
      'public-jwk-no-private-members (EdDSA)': /carries private member\(s\) d/,
      'public-jwk-no-private-members (ECDH-ES)': /carries private member\(s\) d/,
      'generate-key-info (ES256)': /private member/,
    },
    passes: ['capabilities-well-formed', 'unknown-alias-get-null', 'invalid-alias-rejected'],
  },
  {
    breakage: 'deleteKey only hides the alias and keeps the key',
    create: () => new FakeDeleteStore(),
    fails: {
      'delete-key-removes (ES256)':
        /sign\(\) with a deleted key succeeded; it must reject with KEY_NOT_FOUND/,
      'delete-key-removes (ECDH-ES)': /deriveSharedSecret\(\) with a deleted key succeeded/,
      'delete-then-generate-new-key (ES256)': /returned the deleted key/,
      'delete-then-generate-new-key (EdDSA)': /returned the deleted key/,
    },
    passes: ['list-aliases', 'sign-jose-form (ES256)', 'delete-unknown-alias-succeeds'],
  },
  {
    breakage: 'signs the data with a byte appended',
    create: () => new AppendedByteSignStore(),
    fails: {
      'sign-jose-form (ES256)': NOT_VERIFYING,
      'sign-jose-form (EdDSA)': NOT_VERIFYING,
      'sign-covers-exact-bytes (ES256)': NOT_VERIFYING,
    },
    passes: ['ecdh-matches-peer (ECDH-ES)', 'delete-key-removes (ES256)'],
  },
  {
    breakage: 'signs the SHA-256 digest of the data instead of the data',
    create: () => new DigestSignStore(),
    fails: {
      'sign-jose-form (ES256)': NOT_VERIFYING,
      'sign-covers-exact-bytes (EdDSA)': NOT_VERIFYING,
      'sign-empty-input (ES256)': NOT_VERIFYING,
    },
    passes: ['ecdh-matches-peer (ECDH-ES)'],
  },
  {
    breakage: 'signs the whole buffer behind a subarray',
    create: () => new WholeBufferSignStore(),
    fails: {
      'sign-respects-byte-offset (ES256)':
        /signature of a subarray does not verify over the subarray bytes/,
      'sign-respects-byte-offset (EdDSA)': /subarray/,
    },
    passes: [
      'sign-jose-form (ES256)',
      'sign-covers-exact-bytes (ES256)',
      'sign-large-input (ES256)',
    ],
  },
  {
    breakage: 'signs only the first 64 KiB of large inputs',
    create: () => new PrefixSignStore(),
    fails: { 'sign-large-input (ES256)': NOT_VERIFYING, 'sign-large-input (EdDSA)': NOT_VERIFYING },
    passes: [
      'sign-jose-form (ES256)',
      'sign-covers-exact-bytes (ES256)',
      'sign-respects-byte-offset (ES256)',
    ],
  },
  {
    breakage: 'never settles a sign call',
    create: () => new HangingSignStore(),
    options: {
      timeoutMs: 1000,
      only: [
        'capabilities-well-formed',
        'sign-jose-form',
        'ecdh-matches-peer',
        'unknown-alias-get-null',
      ],
    },
    fails: {
      'sign-jose-form (ES256)': /did not finish within 1000 ms: a store call never settled/,
      'sign-jose-form (EdDSA)': /did not finish within 1000 ms/,
    },
    passes: ['capabilities-well-formed', 'ecdh-matches-peer (ECDH-ES)', 'unknown-alias-get-null'],
  },
  {
    breakage: 'throws plain Errors instead of DeviceBindingErrors',
    create: () => new PlainErrorStore(),
    fails: {
      'unknown-alias-sign-not-found':
        /rejected with Error: .*every failure must be a DeviceBindingError \(expected KEY_NOT_FOUND\)/,
      'delete-key-removes (ES256)': /every failure must be a DeviceBindingError/,
      'errors-are-device-binding-errors':
        /\d+ of \d+ bad calls did not reject with a DeviceBindingError/,
      'invalid-alias-rejected': /rejected with Error/,
    },
    passes: [
      'sign-jose-form (ES256)',
      'concurrent-generate-one-key (ES256)',
      'ecdh-matches-peer (ECDH-ES)',
    ],
  },
  {
    breakage: 'throws synchronously instead of returning a rejected promise',
    create: () => new SyncThrowStore(),
    fails: {
      'sign-rejects-invalid-data (ES256)': /threw synchronously/,
      'errors-are-device-binding-errors': /threw synchronously/,
    },
    passes: ['sign-jose-form (ES256)', 'unknown-alias-sign-not-found'],
  },
  {
    breakage: 'lets bad data end in a raw TypeError',
    create: () => new TypeErrorStore(),
    fails: {
      'sign-rejects-invalid-data (ES256)': /rejected with TypeError/,
      'errors-are-device-binding-errors': /TypeError/,
    },
    passes: ['sign-jose-form (ES256)'],
  },
  {
    breakage: 'makes several keys under concurrent generation of one alias',
    create: () => new RacyGenerateStore(),
    fails: {
      'concurrent-generate-one-key (ES256)':
        /8 concurrent generateKey\(\) calls for one alias returned [2-8] different keys/,
      'concurrent-generate-one-key (ECDH-ES)': /different keys/,
    },
    passes: [
      'generate-existing-returns-same (ES256)',
      'delete-then-generate-new-key (ES256)',
      'list-aliases',
    ],
  },
  {
    breakage: 'replaces the key when generateKey is called on an existing alias',
    create: () => new RegeneratingStore(),
    fails: {
      'generate-existing-returns-same (ES256)':
        /returned a different key; it must return the existing one/,
      'generate-existing-returns-same (ECDH-ES)': /returned a different key/,
    },
    passes: ['sign-jose-form (ES256)', 'delete-key-removes (ES256)'],
  },
  {
    breakage: 'gives undefined from getKey for an unknown alias',
    create: () => new UndefinedForUnknownStore(),
    fails: {
      'unknown-alias-get-null': /resolved to undefined; it must be null/,
      'delete-key-removes (ES256)': /resolved to undefined; it must resolve to null/,
    },
    passes: ['get-key-returns-generated (ES256)'],
  },
  {
    breakage: 'hands out its internal alias array from listAliases',
    create: () => new SharedAliasListStore(),
    fails: {
      'list-aliases': /changing the array listAliases\(\) returned changed the store's aliases/,
    },
    passes: ['delete-key-removes (ES256)', 'generate-existing-returns-same (ES256)'],
  },
  {
    breakage: 'still lists a deleted key to a new instance (an alias index deleteKey forgets)',
    create: (() => {
      const first = new StaleIndexStore();
      let made = 0;
      // The first instance, then new ones over its keys and its stale index.
      return () => (made++ === 0 ? first : first.restarted());
    })(),
    fails: {
      'listing-survives-new-instance': /a new store instance still lists a deleted key/,
    },
    passes: ['delete-key-removes (ES256)', 'list-aliases', 'persistent-keys-survive-new-instance'],
  },
  {
    breakage: 'declares RSA-OAEP-256 keys it cannot make',
    create: () => new OverclaimingStore(),
    fails: {
      'declared-capabilities-work':
        /the store declares RSA-OAEP-256, but generateKey\(RSA-OAEP-256\) failed/,
      'rsa-oaep-round-trip (RSA-OAEP-256)': /UNSUPPORTED_ALGORITHM/,
    },
    passes: ['sign-jose-form (ES256)', 'ecdh-matches-peer (ECDH-ES)'],
  },
  {
    breakage: 'makes EdDSA keys without declaring them',
    create: () => new UnderclaimingStore(),
    fails: { 'undeclared-algorithms-refused': /generateKey with undeclared EdDSA succeeded/ },
    passes: ['declared-capabilities-work', 'sign-jose-form (ES256)'],
  },
  {
    breakage: 'answers capabilities() differently from call to call',
    create: () => new UnstableCapabilitiesStore(),
    fails: { 'capabilities-stable': /capabilities\(\) answered differently/ },
    passes: ['capabilities-well-formed', 'declared-capabilities-work'],
  },
  {
    breakage: 'rewrites malformed aliases instead of refusing them',
    create: () => new LenientAliasStore(),
    fails: {
      'invalid-alias-rejected':
        /with alias = an empty string succeeded; it must reject with INVALID_ARGUMENT/,
    },
    passes: ['sign-jose-form (ES256)', 'unknown-alias-get-null'],
  },
  {
    breakage: 'lets a signing key derive a shared secret',
    create: () => new NoPurposeCheckStore(),
    fails: {
      'signing-key-refuses-other-operations (ES256)':
        /deriveSharedSecret\(\) with a signing key succeeded/,
    },
    passes: ['encryption-key-refuses-other-operations (ECDH-ES)', 'ecdh-matches-peer (ECDH-ES)'],
  },
  {
    breakage: 'returns SHA-256(Z) instead of the ECDH secret Z',
    create: () => new WrongSecretStore(),
    fails: { 'ecdh-matches-peer (ECDH-ES)': /differs from the peer's own ECDH computation/ },
    passes: ['ecdh-rejects-off-curve-peer (ECDH-ES)', 'sign-jose-form (ES256)'],
  },
  {
    breakage: 'computes ECDH with peer points that are not on the curve',
    create: () => new NoPeerValidationStore(),
    fails: { 'ecdh-rejects-off-curve-peer (ECDH-ES)': /with a valid x with a changed y succeeded/ },
    passes: [
      'ecdh-matches-peer (ECDH-ES)',
      'ecdh-rejects-malformed-peer (ECDH-ES)',
      'invalid-alias-rejected',
    ],
  },
  {
    breakage: 'labels RSA-OAEP-256 public keys with alg RSA-OAEP',
    create: () => new WrongJwkAlgStore(),
    options: RSA_OPTIONS,
    fails: {
      'rsa-oaep-round-trip (RSA-OAEP-256)':
        /the public JWK says alg RSA-OAEP; an RSA-OAEP-256 key must say RSA-OAEP-256/,
      'generate-key-info (RSA-OAEP-256)': /which a RSA-OAEP-256 key cannot open/,
    },
    passes: [
      'rsa-oaep-hash-strict (RSA-OAEP-256)',
      'rsa-oaep-rejects-corrupted-ciphertext (RSA-OAEP-256)',
    ],
  },
  {
    breakage: 'decrypts RSA-OAEP-256 with the SHA-1 OAEP hash',
    create: () => new WrongHashStore(),
    options: RSA_OPTIONS,
    fails: {
      'rsa-oaep-round-trip (RSA-OAEP-256)': /decrypt\(\) of RSA-OAEP-256 ciphertext failed/,
    },
    passes: ['generate-key-info (RSA-OAEP-256)'],
  },
  {
    breakage: 'falls back to the other OAEP hash when decryption fails',
    create: () => new BothHashesStore(),
    options: RSA_OPTIONS,
    fails: {
      'rsa-oaep-hash-strict (RSA-OAEP-256)':
        /made with OAEP SHA-1 by an RSA-OAEP-256 key succeeded/,
    },
    passes: [
      'rsa-oaep-round-trip (RSA-OAEP-256)',
      'rsa-oaep-rejects-corrupted-ciphertext (RSA-OAEP-256)',
    ],
  },
  {
    breakage: 'returns random bytes when RSA decryption fails',
    create: () => new GarbageOnFailureStore(),
    options: RSA_OPTIONS,
    fails: {
      'rsa-oaep-rejects-corrupted-ciphertext (RSA-OAEP-256)':
        /with a middle byte changed succeeded; it must reject with KEYSTORE_ERROR/,
    },
    passes: ['rsa-oaep-round-trip (RSA-OAEP-256)', 'generate-key-info (RSA-OAEP-256)'],
  },
];
