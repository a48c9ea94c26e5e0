// The DeviceBindingError a promise rejects with: a test that expects a failure fails itself
// when the promise resolves or rejects with anything else.

import { expect } from 'vitest';
import { DeviceBindingError } from '../../src/core/errors.js';

/** Awaits `promise` and returns its DeviceBindingError rejection. */
export async function rejection(promise: Promise<unknown>): Promise<DeviceBindingError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(DeviceBindingError);
    return err as DeviceBindingError;
  }
  throw new Error('expected a rejection');
}
