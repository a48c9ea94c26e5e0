// The names the rotation token format fixes (docs/formats/rotation.md), shared by the client
// that signs it and the server that verifies it.

/** @internal `typ` of the outer JWS, signed by the old signing key. */
export const ROTATION_TYP = 'devicebind-rotation+jwt';
/** @internal `typ` of the inner JWS: the handshake of the new keys, signed by the new signing key. */
export const ROTATION_HANDSHAKE_TYP = 'devicebind-rotation-handshake+jwt';
/** @internal The claims the rotation adds to the two payloads; app claims cannot use them. */
export const RESERVED_ROTATION_CLAIMS: readonly string[] = [
  'previous_device_id',
  'new_device_id',
  'handshake',
];
