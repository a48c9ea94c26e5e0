// Per-operation fallback between two crypto backends: a WebCrypto implementation that may
// lack some algorithms (React Native's react-native-quick-crypto, older versions), and a
// complete one (the pure-JS backend) used only for the operations the first cannot run.

import { equalBytes } from './bytes.js';
import type { AesGcmKey, CryptoBackend } from './crypto-backend.js';

type Family = 'gcm' | 'kw' | 'hkdf' | 'ecdh' | 'rsa';

/**
 * @internal `primary`, with each family of operations (AES-GCM, AES-KW, HKDF, ECDH, RSA-OAEP)
 * moved to `fallback` when `primary` cannot run it.
 *
 * Whether `primary` can is decided once per family, before its first use, so that a failed
 * decryption or unwrap is never mistaken for a missing algorithm: the deterministic families
 * are checked by running both backends on fresh random input and comparing (a primary that
 * throws or answers differently is not used); ECDH and RSA-OAEP encryption, which are
 * randomised and cannot fail on the validated inputs the core gives them, move to the
 * fallback when they throw. Keys made by one backend are only ever used with it.
 */
export function withFallback(primary: CryptoBackend, fallback: CryptoBackend): CryptoBackend {
  const decided = new Map<Family, Promise<CryptoBackend>>();
  const random = (length: number) => fallback.randomBytes(length);

  /** The backend for `family`, deciding it with `probe` on first use. */
  const backendFor = (family: Family, probe: () => Promise<boolean>): Promise<CryptoBackend> => {
    let choice = decided.get(family);
    if (choice === undefined) {
      choice = probe().then(
        (works) => (works ? primary : fallback),
        () => fallback,
      );
      decided.set(family, choice);
    }
    return choice;
  };

  /** For families that cannot be compared: the first failure of `primary` moves them. */
  const firstWorking = async <T>(family: Family, run: (backend: CryptoBackend) => Promise<T>) => {
    const known = decided.get(family);
    if (known !== undefined) return run(await known);
    let result: T;
    try {
      result = await run(primary);
    } catch {
      // Bad input fails in both and decides nothing; only the fallback working does.
      result = await run(fallback);
      decided.set(family, Promise.resolve(fallback));
      return result;
    }
    decided.set(family, Promise.resolve(primary));
    return result;
  };

  const gcm = () =>
    backendFor('gcm', async () => {
      for (const size of [16, 32]) {
        const raw = random(size);
        const [iv, plaintext, aad] = [random(12), random(16), random(8)];
        const expected = await fallback.aesGcmEncrypt(
          await fallback.importAesGcmKey(raw),
          iv,
          plaintext,
          aad,
        );
        const key = await primary.importAesGcmKey(raw);
        const sealed = await primary.aesGcmEncrypt(key, iv, plaintext, aad);
        const opened = await primary.aesGcmDecrypt(key, iv, expected, aad);
        if (!equalBytes(sealed, expected) || !equalBytes(opened, plaintext)) return false;
      }
      return true;
    });
  const kw = () =>
    backendFor('kw', async () => {
      for (const size of [16, 32]) {
        const [kek, key] = [random(size), random(32)];
        const expected = await fallback.aesKeyWrap(kek, key);
        const wrapped = await primary.aesKeyWrap(kek, key);
        const unwrapped = await primary.aesKeyUnwrap(kek, expected);
        if (!equalBytes(wrapped, expected) || !equalBytes(unwrapped, key)) return false;
      }
      return true;
    });
  const hkdf = () =>
    backendFor('hkdf', async () => {
      const [ikm, salt, info] = [random(32), random(16), random(8)];
      const expected = await fallback.hkdfSha256(ikm, salt, info, 32);
      return equalBytes(await primary.hkdfSha256(ikm, salt, info, 32), expected);
    });

  // AES-GCM keys remember which backend made them.
  const owners = new WeakMap<object, CryptoBackend>();
  const ownerOf = (key: AesGcmKey): CryptoBackend => owners.get(key) ?? primary;

  return {
    name: `${primary.name}+${fallback.name}`,
    randomBytes: (length) => primary.randomBytes(length),
    sha256: (data) => primary.sha256(data),
    hkdfSha256: async (ikm, salt, info, length) =>
      (await hkdf()).hkdfSha256(ikm, salt, info, length),
    async importAesGcmKey(raw) {
      const backend = await gcm();
      const key = await backend.importAesGcmKey(raw);
      owners.set(key, backend);
      return key;
    },
    aesGcmEncrypt: (key, iv, plaintext, aad) => ownerOf(key).aesGcmEncrypt(key, iv, plaintext, aad),
    aesGcmDecrypt: (key, iv, sealed, aad) => ownerOf(key).aesGcmDecrypt(key, iv, sealed, aad),
    aesKeyWrap: async (kek, key) => (await kw()).aesKeyWrap(kek, key),
    aesKeyUnwrap: async (kek, wrapped) => (await kw()).aesKeyUnwrap(kek, wrapped),
    ecdhEphemeral: (peer) => firstWorking('ecdh', (backend) => backend.ecdhEphemeral(peer)),
    rsaOaepEncrypt: (publicKey, hash, data) =>
      firstWorking('rsa', (backend) => backend.rsaOaepEncrypt(publicKey, hash, data)),
  };
}
