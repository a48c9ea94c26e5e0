// Key stores that "kill the app" at a chosen write: the k-th generateKey or deleteKey never
// answers, either before it reaches the keys or after it changed them. For the native stores
// the simulator's own hang does it; a restart is a new adapter over the same keys.

import { AndroidKeyStore } from '../../../src/keystores/android/index.js';
import type { NativeBridge } from '../../../src/keystores/bridge/native-bridge.js';
import type { KeyStore } from '../../../src/keystores/contract.js';
import { IosKeychainKeyStore } from '../../../src/keystores/ios/index.js';
import { MemoryKeyStore } from '../../../src/keystores/memory/index.js';
import { WebCryptoKeyStore } from '../../../src/keystores/webcrypto/index.js';
import {
  type BridgeSimulator,
  createBridgeSimulator,
} from '../../../src/testing/bridge-simulator/index.js';
import {
  type DeathPoint,
  type DyingStore,
  deathSignal,
  dyingStore,
  never,
} from '../../helpers/dying-store.js';
import { createFakeStorage } from '../../helpers/webcrypto-fake-storage.js';

export type { DeathPoint, DyingStore };

/** One kind of store, as a test app uses it. */
export interface StoreKind {
  readonly label: string;
  /** A fresh store adapter over the keys (the app restarted). */
  restart(): KeyStore;
  /** An adapter whose app dies at write `k` (1-based); `Infinity`: never. */
  dying(k: number, point: DeathPoint): DyingStore;
  /** The simulator, for native stores. */
  readonly simulator?: BridgeSimulator;
}

export function memoryKind(): StoreKind {
  const store = new MemoryKeyStore();
  return {
    label: 'memory',
    restart: () => store,
    dying: (k, point) => dyingStore(store, k, point),
  };
}

export function webCryptoKind(): StoreKind {
  const storage = createFakeStorage();
  const restart = () => new WebCryptoKeyStore({ storage });
  return {
    label: 'WebCrypto (Node)',
    restart,
    dying: (k, point) => dyingStore(restart(), k, point),
  };
}

const WRITES = new Set(['generateKey', 'deleteKey']);

/**
 * A native store over the simulator. The app dies at bridge write `k`: `before` with the
 * simulator's own hang (the native side never runs it), `after` by a bridge that lets the
 * native side run it and then never passes the answer on.
 */
function nativeKind(
  label: string,
  simulator: BridgeSimulator,
  make: (bridge: NativeBridge) => KeyStore,
): StoreKind {
  return {
    label,
    simulator,
    restart: () => {
      simulator.resetFaults();
      return make(simulator);
    },
    dying: (k, point) => {
      simulator.resetFaults();
      const { died, die } = deathSignal();
      let writes = 0;
      let dead = false;
      const bridge: NativeBridge = {
        async call(method, params) {
          if (dead) return never;
          if (!WRITES.has(method)) return simulator.call(method, params);
          writes += 1;
          if (writes < k) return simulator.call(method, params);
          dead = true;
          if (point === 'before') {
            simulator.hangNext(method as 'generateKey' | 'deleteKey');
            void simulator.call(method, params);
          } else {
            await simulator.call(method, params);
          }
          die();
          return never;
        },
      };
      return { store: make(bridge), died, writes: () => writes };
    },
  };
}

export function androidKind(apiLevel = 33): StoreKind {
  const simulator = createBridgeSimulator({ platform: 'android', apiLevel });
  return nativeKind(
    `Android API ${apiLevel} (simulator)`,
    simulator,
    (bridge) => new AndroidKeyStore(bridge),
  );
}

export function iosKind(): StoreKind {
  const simulator = createBridgeSimulator({ platform: 'ios' });
  return nativeKind(
    'iOS Secure Enclave (simulator)',
    simulator,
    (bridge) => new IosKeychainKeyStore(bridge),
  );
}
