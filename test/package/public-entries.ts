// The public subpaths of the package (the README's "Entry points" table, which
// exports-map.test.ts holds to this list) and the names each must export, shared by the
// packaging tests.

/** One public subpath: what `import 'devicebind/…'` gives. */
export interface PublicEntry {
  /** The key in package.json "exports". */
  readonly subpath: string;
  /** The import specifier a user writes. */
  readonly specifier: string;
  /** The tsup entry name, i.e. the file under dist/ without extension. */
  readonly distName: string;
  /** Names this subpath must export, with their `typeof`: exported from ESM and CJS. */
  readonly names: Readonly<Record<string, 'function' | 'object'>>;
}

export const PUBLIC_ENTRIES: readonly PublicEntry[] = [
  {
    subpath: '.',
    specifier: 'devicebind',
    distName: 'index',
    names: { DeviceBinding: 'function', DeviceBindingError: 'function' },
  },
  {
    subpath: './envelopes',
    specifier: 'devicebind/envelopes',
    distName: 'envelopes',
    names: {
      openEnvelope: 'function',
      openEnvelopeStream: 'function',
      seal: 'function',
      unseal: 'function',
    },
  },
  {
    subpath: './rotation',
    specifier: 'devicebind/rotation',
    distName: 'rotation',
    names: {
      rotateKeys: 'function',
      pendingRotation: 'function',
      previousKeys: 'function',
      forgetPreviousKeys: 'function',
    },
  },
  {
    subpath: './fetch',
    specifier: 'devicebind/fetch',
    distName: 'fetch',
    names: { createFetch: 'function' },
  },
  {
    subpath: './server',
    specifier: 'devicebind/server',
    distName: 'server/index',
    names: {
      verifyHandshake: 'function',
      verifyRequest: 'function',
      answerVerificationError: 'function',
      verifyRotation: 'function',
      sealEnvelope: 'function',
      sealEnvelopeStream: 'function',
      MemoryReplayCache: 'function',
      createRedisReplayCache: 'function',
      createNonceIssuer: 'function',
      nonceChallengeHeaders: 'function',
    },
  },
  {
    subpath: './server/attestation',
    specifier: 'devicebind/server/attestation',
    distName: 'server/attestation/index',
    names: {
      verifyAndroidKeyAttestation: 'function',
      verifyAppAttestation: 'function',
      verifyAppAttestAssertion: 'function',
      verifyDeviceAttestation: 'function',
      createRevocationList: 'function',
      GOOGLE_ATTESTATION_ROOTS: 'object',
    },
  },
  {
    subpath: './keystores/memory',
    specifier: 'devicebind/keystores/memory',
    distName: 'keystores/memory',
    names: { MemoryKeyStore: 'function' },
  },
  {
    subpath: './keystores/webcrypto',
    specifier: 'devicebind/keystores/webcrypto',
    distName: 'keystores/webcrypto',
    names: { WebCryptoKeyStore: 'function' },
  },
  {
    subpath: './keystores/android',
    specifier: 'devicebind/keystores/android',
    distName: 'keystores/android',
    names: { AndroidKeyStore: 'function' },
  },
  {
    subpath: './keystores/ios',
    specifier: 'devicebind/keystores/ios',
    distName: 'keystores/ios',
    names: { IosKeychainKeyStore: 'function' },
  },
  {
    subpath: './testing',
    specifier: 'devicebind/testing',
    distName: 'testing/index',
    names: {
      runKeyStoreConformance: 'function',
      createBridgeSimulator: 'function',
      createAttestationAuthority: 'function',
    },
  },
  {
    subpath: './crypto/pure-js',
    specifier: 'devicebind/crypto/pure-js',
    distName: 'crypto/pure-js',
    names: { pureJsCrypto: 'object' },
  },
];
