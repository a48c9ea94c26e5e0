// The React Native and Capacitor transports: JSON text both ways, native error codes kept,
// malformed answers refused, and an adapter working end to end over each transport.

import { describe, expect, it } from 'vitest';
import { DeviceBindingError } from '../../src/core/errors.js';
import {
  AndroidKeyStore,
  type CapacitorDevicebindPlugin,
  capacitorBridge,
  type ReactNativeDevicebindModule,
  reactNativeBridge,
} from '../../src/keystores/android/index.js';
import { IosKeychainKeyStore } from '../../src/keystores/ios/index.js';
import { createBridgeSimulator } from '../../src/testing/bridge-simulator/index.js';
import { rejection } from '../helpers/rejection.js';

/** A React Native module as the reference native code implements it, over the simulator. */
function reactNativeModule(
  platform: 'android' | 'ios',
): ReactNativeDevicebindModule & { texts: string[] } {
  const simulator = createBridgeSimulator({ platform });
  const texts: string[] = [];
  return {
    texts,
    async call(method, params) {
      texts.push(params);
      return JSON.stringify(
        await simulator.call(method, JSON.parse(params) as Record<string, unknown>),
      );
    },
  };
}

function capacitorPlugin(platform: 'android' | 'ios'): CapacitorDevicebindPlugin {
  const simulator = createBridgeSimulator({ platform });
  return {
    async call({ method, params }) {
      return {
        result: JSON.stringify(
          await simulator.call(method, JSON.parse(params) as Record<string, unknown>),
        ),
      };
    },
  };
}

describe('reactNativeBridge', () => {
  it('runs an Android store over a React Native module, sending JSON text', async () => {
    const module = reactNativeModule('android');
    const store = new AndroidKeyStore(reactNativeBridge(module));
    await store.generateKey('app.signing', { purpose: 'sign', algorithm: 'ES256' });
    expect((await store.sign('app.signing', Uint8Array.of(1, 2, 3))).length).toBe(64);
    expect(module.texts.every((text) => typeof JSON.parse(text) === 'object')).toBe(true);
  });

  it('runs an iOS store over a React Native module', async () => {
    const store = new IosKeychainKeyStore(reactNativeBridge(reactNativeModule('ios')));
    const info = await store.generateKey('app.signing', { purpose: 'sign', algorithm: 'ES256' });
    expect(info.securityLevel).toBe('secure-enclave');
  });

  it('keeps the code of a native rejection', async () => {
    const module: ReactNativeDevicebindModule = {
      call: async (method) => {
        if (method === 'getInfo') {
          return JSON.stringify({
            protocolVersion: 1,
            platform: 'ios',
            secureEnclave: true,
            deviceSecure: true,
            biometrics: true,
          });
        }
        throw Object.assign(new Error('The user canceled'), { code: 'errSecUserCanceled' });
      },
    };
    const err = await rejection(
      new IosKeychainKeyStore(reactNativeBridge(module)).sign('app.signing', Uint8Array.of(1)),
    );
    expect(err.code).toBe('USER_CANCELLED');
  });

  it('refuses an answer that is not JSON', async () => {
    const bridge = reactNativeBridge({ call: async () => '{not json' });
    expect((await rejection(bridge.call('getInfo', {}))).code).toBe('KEYSTORE_ERROR');
  });

  it('refuses an answer that is not text', async () => {
    const bridge = reactNativeBridge({
      call: async () => ({ protocolVersion: 1 }) as unknown as string,
    });
    expect((await rejection(bridge.call('getInfo', {}))).code).toBe('KEYSTORE_ERROR');
  });

  it('refuses a module without a call function', () => {
    expect(() => reactNativeBridge({} as ReactNativeDevicebindModule)).toThrow(DeviceBindingError);
  });

  it('refuses an unlinked module (undefined)', () => {
    expect(() => reactNativeBridge(undefined)).toThrow(/native module/);
  });
});

describe('capacitorBridge', () => {
  it('runs an Android store over a Capacitor plugin', async () => {
    const store = new AndroidKeyStore(capacitorBridge(capacitorPlugin('android')));
    await store.generateKey('app.signing', { purpose: 'sign', algorithm: 'ES256' });
    expect(await store.listAliases()).toEqual(['app.signing']);
  });

  it('runs an iOS store over a Capacitor plugin', async () => {
    const store = new IosKeychainKeyStore(capacitorBridge(capacitorPlugin('ios')));
    await store.generateKey('app.signing', { purpose: 'sign', algorithm: 'ES256' });
    expect((await store.sign('app.signing', Uint8Array.of(9))).length).toBe(64);
  });

  it('keeps the code of a plugin rejection', async () => {
    const plugin: CapacitorDevicebindPlugin = {
      call: async () => {
        throw Object.assign(new Error('Key permanently invalidated'), {
          code: 'KeyPermanentlyInvalidatedException',
        });
      },
    };
    const store = new AndroidKeyStore(capacitorBridge(plugin));
    // getInfo fails first, with the mapped code.
    expect((await rejection(store.capabilities())).code).toBe('KEY_INVALIDATED');
  });

  it('refuses an answer without a result string', async () => {
    const bridge = capacitorBridge({ call: async () => ({}) as { result: string } });
    expect((await rejection(bridge.call('getInfo', {}))).code).toBe('KEYSTORE_ERROR');
  });

  it('refuses a result that is not JSON', async () => {
    const bridge = capacitorBridge({ call: async () => ({ result: 'undefined' }) });
    expect((await rejection(bridge.call('getInfo', {}))).code).toBe('KEYSTORE_ERROR');
  });

  it('refuses a plugin without a call function', () => {
    expect(() => capacitorBridge(null)).toThrow(DeviceBindingError);
  });
});
