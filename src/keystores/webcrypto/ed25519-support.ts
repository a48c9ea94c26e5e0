// Whether a WebCrypto implementation can make Ed25519 keys: asked once per implementation
// by trying, since browsers added Ed25519 at different times and feature flags lie.

const probes = new WeakMap<SubtleCrypto, Promise<boolean>>();

/** @internal Resolves to whether `subtle` generates Ed25519 signing keys. Never rejects. */
export function supportsEd25519(subtle: SubtleCrypto): Promise<boolean> {
  let probe = probes.get(subtle);
  if (probe === undefined) {
    probe = (async () => {
      try {
        const pair = (await subtle.generateKey({ name: 'Ed25519' }, false, [
          'sign',
          'verify',
        ])) as CryptoKeyPair;
        return pair.privateKey?.type === 'private';
      } catch {
        return false;
      }
    })();
    probes.set(subtle, probe);
  }
  return probe;
}
