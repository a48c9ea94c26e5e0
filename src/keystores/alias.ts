// Checks shared by every adapter: alias syntax and the key-spec fields a store must honour.

import { assertObject, mustBe } from '../core/assert.js';
import { fail } from '../core/errors.js';
import type { KeySpec, KeyStoreCapabilities } from './contract.js';

const ALIAS_PATTERN = /^[A-Za-z0-9._:-]{1,200}$/;

/** @internal Validates an alias. @throws `INVALID_ARGUMENT` */
export function checkAlias(alias: unknown): string {
  if (typeof alias !== 'string' || !ALIAS_PATTERN.test(alias)) {
    mustBe('alias', '1–200 characters from [A-Za-z0-9._:-]');
  }
  return alias;
}

/**
 * @internal Validates a key spec against what a store declares it can do.
 * @throws `INVALID_ARGUMENT` for a malformed spec; `UNSUPPORTED_ALGORITHM` for an undeclared algorithm or policy.
 */
export function checkKeySpec(spec: unknown, capabilities: KeyStoreCapabilities): KeySpec {
  const { purpose, algorithm, userAuthentication, hardware } = assertObject(
    spec,
    'spec',
  ) as KeySpec;
  const offered =
    purpose === 'sign'
      ? capabilities.signing
      : purpose === 'encrypt'
        ? capabilities.encryption
        : mustBe('spec.purpose', '"sign" or "encrypt"');
  if (!(offered as readonly string[]).includes(algorithm)) {
    fail(
      'UNSUPPORTED_ALGORITHM',
      `this key store cannot make ${String(algorithm)} ${purpose === 'sign' ? 'signing' : 'encryption'} keys`,
    );
  }
  if (
    userAuthentication !== undefined &&
    userAuthentication.type !== 'none' &&
    !capabilities.userAuthentication
  ) {
    fail('UNSUPPORTED_ALGORITHM', 'this key store cannot require user authentication');
  }
  if (hardware === 'required' && !capabilities.hardwareBacked) {
    fail(
      'UNSUPPORTED_ALGORITHM',
      'this key store has no secure hardware for "spec.hardware": "required"',
    );
  }
  return spec as KeySpec;
}
