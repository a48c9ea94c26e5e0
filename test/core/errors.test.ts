import { describe, expect, it } from 'vitest';
import { DeviceBindingError, isDeviceBindingError } from '../../src/index.js';

describe('DeviceBindingError', () => {
  it('carries a code, a message and the cause', () => {
    const cause = new Error('native failure');
    const err = new DeviceBindingError('KEYSTORE_ERROR', 'the key store failed', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('DeviceBindingError');
    expect(err.code).toBe('KEYSTORE_ERROR');
    expect(err.cause).toBe(cause);
    expect(isDeviceBindingError(err, 'KEYSTORE_ERROR')).toBe(true);
    expect(isDeviceBindingError(err, 'REPLAYED')).toBe(false);
  });

  it('is recognised across copies of the class (ESM and CommonJS builds)', () => {
    const foreign = new Error('from the other build');
    Object.defineProperty(foreign, Symbol.for('devicebind.DeviceBindingError'), { value: true });
    expect(foreign instanceof DeviceBindingError).toBe(true);
  });

  it('does not claim look-alikes', () => {
    const impostor = Object.assign(new Error('x'), {
      name: 'DeviceBindingError',
      code: 'REPLAYED',
    });
    expect(impostor instanceof DeviceBindingError).toBe(false);
    expect(isDeviceBindingError(impostor)).toBe(false);
    expect(isDeviceBindingError(null)).toBe(false);
  });
});
