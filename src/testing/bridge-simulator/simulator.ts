// createBridgeSimulator: a stand-in for the native side of the bridge protocol, so adapters
// and apps can be tested in CI. It enforces the platforms' constraints and injects faults.

import { fail } from '../../core/errors.js';
import {
  BRIDGE_METHODS,
  type BridgeMethod,
  type NativeBridge,
} from '../../keystores/bridge/native-bridge.js';
import { androidNative, type NativeHandlers } from './android-native.js';
import { boundToCurrentBiometrics, iosNative } from './ios-native.js';
import { NativeFailure } from './native-failure.js';
import { type PromptOutcome, SimulatedDevice, type SimulatedPrompt } from './simulated-device.js';

/** Options for {@link createBridgeSimulator}. */
export interface BridgeSimulatorOptions {
  /** Which native side to simulate. */
  platform: 'android' | 'ios';
  /** Android: `Build.VERSION.SDK_INT`, 24–36 (default 34). */
  apiLevel?: number;
  /** Android: the device has StrongBox (default false; API 28+). */
  strongBox?: boolean;
  /** Android: Keystore keys live in a TEE (default true); false is a software-only Keystore, as on some emulators. */
  hardwareBacked?: boolean;
  /** iOS: the device has a Secure Enclave (default true; false is like the iOS Simulator). */
  secureEnclave?: boolean;
  /** A secure lock screen or passcode is set (default true). */
  deviceSecure?: boolean;
  /** A biometric is enrolled (default true). */
  biometrics?: boolean;
  /** The bridge protocol version the simulated native side speaks (default 1). */
  protocolVersion?: number;
  /** Milliseconds before each answer (default 0). */
  latencyMs?: number;
  /** The clock for key creation times and authentication windows (default `Date.now`). */
  now?: () => number;
}

/** A call the simulated native side received. */
export interface SimulatedCall {
  readonly method: string;
  /** The parameters as native code sees them (after a JSON round trip). */
  readonly params: Record<string, unknown>;
}

/** A simulated native side: a {@link NativeBridge} with controls for tests. */
export interface BridgeSimulator extends NativeBridge {
  readonly platform: 'android' | 'ios';
  /** Every call received, in order. */
  readonly calls: readonly SimulatedCall[];
  /** Every authentication prompt shown, in order, with how it ended. */
  readonly prompts: readonly SimulatedPrompt[];
  /** The next call of `method` rejects with the native error `code` (e.g. `KeyPermanentlyInvalidatedException`). */
  failNext(method: BridgeMethod, code: string, message?: string): void;
  /** The next call of `method` never answers. */
  hangNext(method: BridgeMethod): void;
  /** The next successful answer of `method` is replaced by what `transform` returns (to test validation). */
  corruptNext(method: BridgeMethod, transform: (answer: unknown) => unknown): void;
  /**
   * How the user answers the next authentication prompt (default: approve). Android:
   * `cancel`, `negative-button`, `lockout`, `lockout-permanent`; iOS: `cancel`, `fail`, `lockout`.
   */
  nextPrompt(outcome: PromptOutcome): void;
  /** Whether prompts can be shown (false: the app is in the background or the device is locked). */
  setInteractionAllowed(allowed: boolean): void;
  /** The user authenticated just now (e.g. unlocked the device): opens validity windows. */
  authenticate(): void;
  /**
   * A new biometric is enrolled. Android invalidates keys made with `invalidateOnNewEnrollment`;
   * on iOS the domain state changes and `.biometryCurrentSet` keys stop working.
   */
  enrollBiometric(): void;
  /** The platform invalidates one key, as after a biometric enrolment. */
  invalidateKey(alias: string): void;
  /** Whether the simulated key store holds a key under `alias`. */
  hasKey(alias: string): boolean;
  /** Drops pending faults and scripted prompt outcomes (keys stay). */
  resetFaults(): void;
}

type Fault =
  | { readonly kind: 'fail'; readonly code: string; readonly message: string | undefined }
  | { readonly kind: 'hang' }
  | { readonly kind: 'corrupt'; readonly transform: (answer: unknown) => unknown };

const ANDROID_OUTCOMES: readonly PromptOutcome[] = [
  'approve',
  'cancel',
  'negative-button',
  'lockout',
  'lockout-permanent',
];
const IOS_OUTCOMES: readonly PromptOutcome[] = ['approve', 'cancel', 'fail', 'lockout'];

function flag(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail('INVALID_ARGUMENT', `"options.${name}" must be a boolean`);
  return value;
}

function checkMethod(method: unknown): BridgeMethod {
  if (typeof method !== 'string' || !(BRIDGE_METHODS as readonly string[]).includes(method)) {
    fail('INVALID_ARGUMENT', `"method" must be one of ${BRIDGE_METHODS.join(', ')}`);
  }
  return method as BridgeMethod;
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/**
 * Creates a simulated native side of the bridge protocol for Android (Keystore, by API level)
 * or iOS (Keychain / Secure Enclave). It makes real P-256 keys and returns DER signatures like
 * the platforms, makes RSA keys whose OAEP uses MGF1-SHA-1 below API 35, refuses what the
 * platform cannot do, and lets tests inject native errors, cancelled prompts, invalidated
 * keys, hangs and malformed answers.
 *
 * @throws `INVALID_ARGUMENT` for unknown platforms or out-of-range options.
 * @example
 * ```ts
 * import { createBridgeSimulator } from 'devicebind/testing';
 * import { AndroidKeyStore } from 'devicebind/keystores/android';
 *
 * const simulator = createBridgeSimulator({ platform: 'android', apiLevel: 28 });
 * const keyStore = new AndroidKeyStore(simulator);
 * simulator.failNext('sign', 'KeyPermanentlyInvalidatedException');
 * await keyStore.sign('app.signing', data); // rejects with KEY_INVALIDATED
 * ```
 */
export function createBridgeSimulator(options: BridgeSimulatorOptions): BridgeSimulator {
  if (typeof options !== 'object' || options === null)
    fail('INVALID_ARGUMENT', '"options" must be an object');
  const { platform, apiLevel = 34, protocolVersion = 1, latencyMs = 0, now = Date.now } = options;
  if (platform !== 'android' && platform !== 'ios')
    fail('INVALID_ARGUMENT', '"options.platform" must be "android" or "ios"');
  if (!Number.isInteger(apiLevel) || apiLevel < 24 || apiLevel > 36) {
    fail('INVALID_ARGUMENT', '"options.apiLevel" must be an Android API level from 24 to 36');
  }
  const strongBox = flag(options.strongBox, 'strongBox', false);
  if (strongBox && (platform !== 'android' || apiLevel < 28)) {
    fail(
      'INVALID_ARGUMENT',
      '"options.strongBox" needs platform "android" and apiLevel 28 or more',
    );
  }
  if (!Number.isInteger(protocolVersion))
    fail('INVALID_ARGUMENT', '"options.protocolVersion" must be an integer');
  if (typeof latencyMs !== 'number' || !(latencyMs >= 0))
    fail('INVALID_ARGUMENT', '"options.latencyMs" must be 0 or more');
  if (typeof now !== 'function') fail('INVALID_ARGUMENT', '"options.now" must be a function');
  const device = new SimulatedDevice({
    platform,
    apiLevel,
    strongBox,
    hardwareBacked: flag(options.hardwareBacked, 'hardwareBacked', true),
    secureEnclave: flag(options.secureEnclave, 'secureEnclave', true),
    deviceSecure: flag(options.deviceSecure, 'deviceSecure', true),
    biometrics: flag(options.biometrics, 'biometrics', true),
    protocolVersion,
    now,
  });
  const handlers: NativeHandlers =
    platform === 'android' ? androidNative(device) : iosNative(device);
  const faults = new Map<BridgeMethod, Fault[]>();
  const calls: SimulatedCall[] = [];
  const addFault = (method: BridgeMethod, fault: Fault) => {
    const queue = faults.get(method) ?? [];
    queue.push(fault);
    faults.set(method, queue);
  };

  async function call(method: string, params: Record<string, unknown>): Promise<unknown> {
    await delay(latencyMs);
    let wire: Record<string, unknown>;
    try {
      wire = JSON.parse(JSON.stringify(params)) as Record<string, unknown>;
    } catch {
      throw new NativeFailure('InvalidParams', 'the parameters are not JSON');
    }
    if (typeof wire !== 'object' || wire === null || Array.isArray(wire)) {
      throw new NativeFailure('InvalidParams', 'the parameters are not a JSON object');
    }
    calls.push({ method, params: wire });
    if (!(BRIDGE_METHODS as readonly string[]).includes(method))
      throw new NativeFailure('UnknownMethod', `no method "${method}"`);
    const fault = faults.get(method as BridgeMethod)?.shift();
    if (fault?.kind === 'fail') throw new NativeFailure(fault.code, fault.message);
    if (fault?.kind === 'hang') return new Promise<never>(() => undefined);
    const answer = JSON.parse(
      JSON.stringify((await handlers[method as BridgeMethod](wire)) ?? null),
    ) as unknown;
    return fault?.kind === 'corrupt' ? fault.transform(answer) : answer;
  }

  return {
    platform,
    call,
    calls,
    prompts: device.prompts,
    failNext(method, code, message) {
      if (typeof code !== 'string' || code.length === 0)
        fail('INVALID_ARGUMENT', '"code" must be a native error name');
      addFault(checkMethod(method), { kind: 'fail', code, message });
    },
    hangNext(method) {
      addFault(checkMethod(method), { kind: 'hang' });
    },
    corruptNext(method, transform) {
      if (typeof transform !== 'function')
        fail('INVALID_ARGUMENT', '"transform" must be a function');
      addFault(checkMethod(method), { kind: 'corrupt', transform });
    },
    nextPrompt(outcome) {
      if (!(platform === 'android' ? ANDROID_OUTCOMES : IOS_OUTCOMES).includes(outcome)) {
        fail(
          'INVALID_ARGUMENT',
          `"outcome" ${JSON.stringify(String(outcome))} does not exist on ${platform}`,
        );
      }
      device.promptQueue.push(outcome);
    },
    setInteractionAllowed(allowed) {
      device.interactionAllowed = flag(allowed, 'allowed', true);
    },
    authenticate() {
      device.lastAuthentication = device.settings.now();
    },
    enrollBiometric() {
      device.enrollment += 1;
      for (const key of device.keys.values()) {
        const policy = key.userAuthentication;
        if (
          platform === 'android'
            ? policy.type !== 'none' && policy.invalidateOnNewEnrollment
            : boundToCurrentBiometrics(key)
        ) {
          key.invalidated = true;
        }
      }
    },
    invalidateKey(alias) {
      const key = device.keys.get(alias);
      if (key === undefined)
        fail('INVALID_ARGUMENT', `the simulator holds no key under "${String(alias)}"`);
      key.invalidated = true;
      // On iOS the saved domain state no longer matches either, so enrolment checks see it.
      if (platform === 'ios') key.savedEnrollment = -1;
    },
    hasKey(alias) {
      return device.keys.has(alias);
    },
    resetFaults() {
      faults.clear();
      device.promptQueue.length = 0;
    },
  };
}
