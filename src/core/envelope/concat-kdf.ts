// The Concat KDF of NIST SP 800-56A as JOSE profiles it for ECDH-ES (RFC 7518 §4.6.2),
// with SHA-256; one hash round, since devicebind never needs more than 256 bits.

import { concatBytes, uint32BE } from '../bytes.js';
import type { CryptoBackend } from '../crypto-backend.js';
import { utf8Encode } from '../utf8.js';

function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  return concatBytes(uint32BE(bytes.length), bytes);
}

/**
 * Derives `keyLength` bytes (16 or 32) from the ECDH shared secret `z`:
 * SHA-256(00000001 ‖ Z ‖ AlgorithmID ‖ PartyUInfo ‖ PartyVInfo ‖ SuppPubInfo), where
 * AlgorithmID is the `enc` value for direct agreement and the `alg` value for key wrapping,
 * the party infos are the decoded `apu`/`apv` (empty when absent), each with a 32-bit
 * big-endian length prefix, and SuppPubInfo is the key length in bits.
 */
export async function concatKdf(
  crypto: CryptoBackend,
  z: Uint8Array,
  algorithmId: string,
  keyLength: number,
  apu: Uint8Array,
  apv: Uint8Array,
): Promise<Uint8Array> {
  const input = concatBytes(
    uint32BE(1),
    z,
    lengthPrefixed(utf8Encode(algorithmId)),
    lengthPrefixed(apu),
    lengthPrefixed(apv),
    uint32BE(keyLength * 8),
  );
  try {
    return (await crypto.sha256(input)).slice(0, keyLength);
  } finally {
    input.fill(0);
  }
}
