// The WebCrypto side of each key algorithm the store makes: generation parameters, the
// private key's one operation and algorithm name, and the public JWK it publishes.

import { encryptionJwkAlg } from '../../core/algorithms.js';
import type { PublicJwk } from '../../core/jwk.js';
import type { KeyAlgorithm, KeySpec } from '../contract.js';

type Members = Partial<Record<'x' | 'y' | 'n' | 'e', unknown>>;

/** @internal What the store does with a key of one algorithm. */
export interface KeyKind {
  /** The one operation the private key is for; `sign` for signing keys, else an encryption key. */
  readonly operation: 'sign' | 'agree' | 'decrypt';
  /** The private key's only WebCrypto usage. */
  readonly usage: KeyUsage;
  /** `CryptoKey.algorithm.name` of the private key. */
  readonly name: string;
  /** `CryptoKey.algorithm.hash.name` for RSA-OAEP keys. */
  readonly hash?: 'SHA-256' | 'SHA-1';
  generateParams(spec: KeySpec): Algorithm;
  /** The public JWK from the members a JWK export (or a stored record) carries. */
  publicJwk(members: Members): PublicJwk;
}

// A missing member becomes '' here and is then refused by parsePublicJwk.
const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const ecJwk = (m: Members) => ({ kty: 'EC', crv: 'P-256', x: str(m.x), y: str(m.y) }) as const;

function rsaKind(algorithm: 'RSA-OAEP-256' | 'RSA-OAEP', hash: 'SHA-256' | 'SHA-1'): KeyKind {
  return {
    operation: 'decrypt',
    usage: 'decrypt',
    name: 'RSA-OAEP',
    hash,
    generateParams: (spec) =>
      ({
        name: 'RSA-OAEP',
        modulusLength: spec.modulusLength ?? 2048,
        publicExponent: Uint8Array.of(1, 0, 1),
        hash,
      }) as RsaHashedKeyGenParams,
    publicJwk: (m) => ({
      kty: 'RSA',
      n: str(m.n),
      e: str(m.e),
      use: 'enc',
      alg: encryptionJwkAlg(algorithm),
    }),
  };
}

/** @internal Every algorithm the WebCrypto store can make a key for. */
export const KEY_KINDS: Readonly<Record<KeyAlgorithm, KeyKind>> = {
  ES256: {
    operation: 'sign',
    usage: 'sign',
    name: 'ECDSA',
    generateParams: () => ({ name: 'ECDSA', namedCurve: 'P-256' }),
    publicJwk: ecJwk,
  },
  EdDSA: {
    operation: 'sign',
    usage: 'sign',
    name: 'Ed25519',
    generateParams: () => ({ name: 'Ed25519' }),
    publicJwk: (m) => ({ kty: 'OKP', crv: 'Ed25519', x: str(m.x) }),
  },
  'ECDH-ES': {
    operation: 'agree',
    usage: 'deriveBits',
    name: 'ECDH',
    generateParams: () => ({ name: 'ECDH', namedCurve: 'P-256' }),
    publicJwk: (m) => ({ ...ecJwk(m), use: 'enc', alg: encryptionJwkAlg('ECDH-ES') }),
  },
  'RSA-OAEP-256': rsaKind('RSA-OAEP-256', 'SHA-256'),
  'RSA-OAEP': rsaKind('RSA-OAEP', 'SHA-1'),
};

/** @internal The purpose of keys of a kind. */
export function purposeOf(kind: KeyKind): 'sign' | 'encrypt' {
  return kind.operation === 'sign' ? 'sign' : 'encrypt';
}
