// Bridge answers cannot plant a prototype: a `__proto__`, `constructor` or `prototype` member
// in the JSON text a native module returns never becomes the prototype of what the adapter
// hands back, and members inherited from an answer's prototype are never read.

import { describe, expect, it } from 'vitest';
import {
  AndroidKeyStore,
  type NativeBridge,
  reactNativeBridge,
} from '../../src/keystores/android/index.js';
import type { KeyInfo } from '../../src/keystores/contract.js';
import { IosKeychainKeyStore } from '../../src/keystores/ios/index.js';
import { createBridgeSimulator } from '../../src/testing/bridge-simulator/index.js';
import { rejection } from '../helpers/rejection.js';

/** What an attacker-controlled member would try to smuggle in. */
const PAYLOAD = JSON.stringify({
  role: 'admin',
  privateKey: 'AAAA',
  alias: 'other',
  securityLevel: 'strongbox',
  toString: 'not a function',
});

/**
 * A React Native module over the simulator whose JSON text for `method` gets `member` added
 * to the answer object and to each nested object (the record's policy and public key).
 */
function plantedModule(platform: 'android' | 'ios', method: string, member: string) {
  const simulator = createBridgeSimulator({ platform });
  return reactNativeBridge({
    async call(called, params) {
      const text = JSON.stringify(
        await simulator.call(called, JSON.parse(params) as Record<string, unknown>),
      );
      if (called !== method) return text;
      return text.replace(/\{(?=")/g, `{${JSON.stringify(member)}:${PAYLOAD},`);
    },
  });
}

function expectClean(info: KeyInfo) {
  for (const value of [info, info.publicKey, info.userAuthentication]) {
    if (value === undefined) continue;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect((value as unknown as { role?: unknown }).role).toBeUndefined();
    expect(typeof value.toString).toBe('function');
  }
  expect(info.alias).toBe('app.signing');
  expect(JSON.stringify(info)).not.toMatch(/admin|privateKey|other/);
}

const SPEC = {
  purpose: 'sign',
  algorithm: 'ES256',
  userAuthentication: { type: 'biometric' },
} as const;

for (const member of ['__proto__', 'constructor', 'prototype']) {
  describe(`a "${member}" member in a bridge answer`, () => {
    it('in a generateKey record: the KeyInfo has the plain prototype and no planted member', async () => {
      const store = new AndroidKeyStore(plantedModule('android', 'generateKey', member));
      expectClean(await store.generateKey('app.signing', SPEC));
    });

    it('in a getKey record on iOS: the KeyInfo has the plain prototype and no planted member', async () => {
      const store = new IosKeychainKeyStore(plantedModule('ios', 'getKey', member));
      await store.generateKey('app.signing', SPEC);
      const info = await store.getKey('app.signing');
      expect(info).not.toBeNull();
      expectClean(info as KeyInfo);
    });

    it('in the getInfo answer: the device facts are the module’s own', async () => {
      const store = new AndroidKeyStore(plantedModule('android', 'getInfo', member));
      const info = await store.deviceInfo();
      expect(Object.getPrototypeOf(info)).toBe(Object.prototype);
      expect((info as unknown as { role?: unknown }).role).toBeUndefined();
      expect(info.apiLevel).toBe(34);
    });

    it('in a sign answer: the signature is still read and checked', async () => {
      const store = new AndroidKeyStore(plantedModule('android', 'sign', member));
      await store.generateKey('app.signing', { purpose: 'sign', algorithm: 'ES256' });
      expect((await store.sign('app.signing', Uint8Array.of(1))).length).toBe(64);
    });
  });
}

describe('members inherited from an answer’s prototype are never read', () => {
  /** A bridge whose answers to `method` carry every member on the prototype only. */
  function inheriting(method: string): NativeBridge {
    const simulator = createBridgeSimulator({ platform: 'android' });
    return {
      async call(called, params) {
        const answer = await simulator.call(called, params);
        return called === method ? Object.create(answer as object) : answer;
      },
    };
  }

  it('a sign answer whose signature is inherited gives KEYSTORE_ERROR', async () => {
    const store = new AndroidKeyStore(inheriting('sign'));
    await store.generateKey('app.signing', { purpose: 'sign', algorithm: 'ES256' });
    expect((await rejection(store.sign('app.signing', Uint8Array.of(1)))).code).toBe(
      'KEYSTORE_ERROR',
    );
  });

  it('a getKey record whose members are inherited gives KEYSTORE_ERROR', async () => {
    const store = new AndroidKeyStore(inheriting('getKey'));
    await store.generateKey('app.signing', { purpose: 'sign', algorithm: 'ES256' });
    expect((await rejection(store.getKey('app.signing'))).code).toBe('KEYSTORE_ERROR');
  });

  it('a getInfo answer whose version is inherited gives PROTOCOL_MISMATCH', async () => {
    const store = new AndroidKeyStore(inheriting('getInfo'));
    expect((await rejection(store.capabilities())).code).toBe('PROTOCOL_MISMATCH');
  });
});
