// Public-key validation for P-256 (SEC 1 §3.2.2.1) before any private-key operation, so an
// invalid-curve point never reaches a key store.

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

function toBigInt(bytes: Uint8Array): bigint {
  let hex = '0x0';
  for (let i = 0; i < bytes.length; i++) hex += (bytes[i]! + 256).toString(16).slice(1);
  return BigInt(hex);
}

/**
 * Whether (x, y), two 32-byte big-endian coordinates, is a point of P-256 other than the
 * point at infinity: both coordinates below p and y² = x³ − 3x + b (mod p). P-256 has
 * cofactor 1, so every such point generates the full prime-order group.
 */
export function isP256Point(x: Uint8Array, y: Uint8Array): boolean {
  if (x.length !== 32 || y.length !== 32) return false;
  const X = toBigInt(x);
  const Y = toBigInt(y);
  // The affine form has no point at infinity; (0, 0) is not on the curve either (b ≠ 0),
  // and the equation below rejects it.
  if (X >= P || Y >= P) return false;
  return (Y * Y - (X * X * X - 3n * X + B)) % P === 0n;
}
