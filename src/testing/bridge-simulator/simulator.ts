// createBridgeSimulator: a stand-in for the native side of the bridge protocol, so adapters
// and apps can be tested in CI. It enforces the platforms' constraints and injects faults.

import {
  assertFunction,
  assertNumber,
  assertObject,
  assertString,
  mustBe,
} from '../../core/assert.js';
import {
  BRIDGE_METHODS,
  type BridgeMethod,
  type NativeBridge,
} from '../../keystores/bridge/native-bridge.js';
import type { AndroidAttestationFacts } from './android-attestation.js';
import { androidNative, type NativeHandlers } from './android-native.js';
import { type AttestationAuthority, createAttestationAuthority } from './attestation-authority.js';
import { type ContentDecryptionSettings, DEFAULT_CONTENT_MAX_BYTES } from './content-decryption.js';
import { boundToCurrentBiometrics, iosNative } from './ios-native.js';
import { NativeFailure } from './native-failure.js';
import {
  type BiometricState,
  type PromptOutcome,
  SimulatedDevice,
  type SimulatedPrompt,
} from './simulated-device.js';

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
  /**
   * Android API 31+: what `KeyInfo.getSecurityLevel()` reports for keys outside StrongBox
   * (default `trusted-environment`). `unknown` (SECURITY_LEVEL_UNKNOWN) vouches for nothing,
   * so such keys are reported as software; `unknown-secure` is secure hardware (`tee`).
   */
  reportedSecurityLevel?: 'trusted-environment' | 'unknown-secure' | 'unknown';
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
  /**
   * Android: the attestation service that certifies keys made with a challenge (default: a new
   * {@link createAttestationAuthority}; pass your own to trust its roots on the server), and
   * what the attestations say about the device (e.g. `{ deviceLocked: false }`).
   */
  attestation?: { authority?: AttestationAuthority; facts?: AndroidAttestationFacts };
  /**
   * Bulk AES-GCM decryption (`decryptContent`), advertised in `getInfo` (default
   * `{ maxBytes: 64 MiB }`, as the reference native code); `false` is a native module from
   * before it, which the adapters must keep working with.
   */
  contentDecryption?: false | { maxBytes: number };
  /** Offer the binary channel (`callBytes`), as a JSI or TurboModule module would (default false). */
  binaryChannel?: boolean;
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
  /** Present with `binaryChannel: true`: bulk bytes in and out without base64url text. */
  readonly callBytes?: (
    method: string,
    params: Record<string, unknown>,
    data: Uint8Array,
  ) => Promise<Uint8Array>;
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
   * `cancel`, `negative-button`, `lockout`, `lockout-permanent`, `no-callback` (the prompt
   * never calls back; the native backstop timeout ends it with UserNotAuthenticatedException);
   * iOS: `cancel`, `fail`, `lockout`. A lockout lasts until the device credential is used.
   */
  nextPrompt(outcome: PromptOutcome): void;
  /**
   * Whether prompts can be shown. `false` is an activity that is stopped (after
   * `onSaveInstanceState`) or an app in the background or a locked device: the reference
   * native code then refuses at once, with UserNotAuthenticatedException /
   * errSecInteractionNotAllowed, instead of showing a prompt that never answers.
   */
  setInteractionAllowed(allowed: boolean): void;
  /**
   * Whether biometrics can be used now: `locked-out` (too many failed attempts; the device
   * credential ends it) or, on iOS, `disabled-for-app` (Face ID turned off for the app).
   * Neither is an enrolment change: keys are not invalidated.
   */
  setBiometricState(state: BiometricState): void;
  /**
   * The user unlocked the device just now: opens Android validity windows, lets a new iOS
   * authentication context within its reuse window skip the prompt, and ends a lockout.
   */
  authenticate(): void;
  /**
   * A new biometric is enrolled. Android Keystore invalidates biometric-only keys made with
   * `invalidateOnNewEnrollment` (keys that accept the device credential stay valid, and the
   * reference module reports them invalidated through their biometric canary); on iOS the
   * domain state changes and `.biometryCurrentSet` keys stop working.
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
  'no-callback',
];
const IOS_OUTCOMES: readonly PromptOutcome[] = ['approve', 'cancel', 'fail', 'lockout'];
const ANDROID_BIOMETRIC_STATES: readonly BiometricState[] = ['available', 'locked-out'];
const IOS_BIOMETRIC_STATES: readonly BiometricState[] = [
  'available',
  'locked-out',
  'disabled-for-app',
];

const REPORTED_LEVELS = ['trusted-environment', 'unknown-secure', 'unknown'] as const;

function contentSettings(value: unknown): ContentDecryptionSettings | undefined {
  if (value === undefined) return { maxBytes: DEFAULT_CONTENT_MAX_BYTES };
  if (value === false) return undefined;
  const { maxBytes } = assertObject(value, 'options.contentDecryption') as { maxBytes?: unknown };
  return {
    maxBytes: assertNumber(maxBytes, 'options.contentDecryption.maxBytes', {
      min: 16,
      max: 2_147_483_647,
      integer: true,
    }),
  };
}

function flag(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') mustBe(name, 'a boolean');
  return value;
}

function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    mustBe(name, `one of ${allowed.join(', ')}`);
  return value as T;
}

const checkMethod = (method: unknown): BridgeMethod => oneOf(method, 'method', BRIDGE_METHODS);

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
  assertObject(options);
  const { platform, protocolVersion = 1, now = Date.now } = options;
  oneOf(platform, 'options.platform', ['android', 'ios'] as const);
  const apiLevel = assertNumber(options.apiLevel, 'options.apiLevel', {
    min: 24,
    max: 36,
    fallback: 34,
    integer: true,
  });
  const strongBox = flag(options.strongBox, 'options.strongBox', false);
  if (strongBox && (platform !== 'android' || apiLevel < 28))
    mustBe('options.strongBox', 'used with platform "android" and apiLevel 28 or more');
  const reportedSecurityLevel =
    options.reportedSecurityLevel === undefined
      ? 'trusted-environment'
      : oneOf(options.reportedSecurityLevel, 'options.reportedSecurityLevel', REPORTED_LEVELS);
  if (reportedSecurityLevel !== 'trusted-environment' && (platform !== 'android' || apiLevel < 31))
    mustBe('options.reportedSecurityLevel', 'used with platform "android" and apiLevel 31 or more');
  assertNumber(protocolVersion, 'options.protocolVersion', {
    min: Number.MIN_SAFE_INTEGER,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
  });
  const latencyMs = assertNumber(options.latencyMs, 'options.latencyMs', {
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    fallback: 0,
    unit: 'milliseconds',
  });
  assertFunction(now, 'options.now');
  const contentDecryption = contentSettings(options.contentDecryption);
  const binaryChannel = flag(options.binaryChannel, 'options.binaryChannel', false);
  const device = new SimulatedDevice({
    platform,
    apiLevel,
    strongBox,
    hardwareBacked: flag(options.hardwareBacked, 'options.hardwareBacked', true),
    reportedSecurityLevel,
    secureEnclave: flag(options.secureEnclave, 'options.secureEnclave', true),
    deviceSecure: flag(options.deviceSecure, 'options.deviceSecure', true),
    biometrics: flag(options.biometrics, 'options.biometrics', true),
    protocolVersion,
    now,
    attestation: {
      authority: options.attestation?.authority ?? createAttestationAuthority({ now }),
      facts: options.attestation?.facts,
    },
    contentDecryption,
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

  async function run(
    method: string,
    params: Record<string, unknown>,
    data?: Uint8Array,
  ): Promise<unknown> {
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
    // Bytes in and out of the binary channel are copies, as a native module's buffers are.
    const result = await handlers[method as BridgeMethod](wire, data?.slice());
    const answer =
      data === undefined
        ? (JSON.parse(JSON.stringify(result ?? null)) as unknown)
        : result instanceof Uint8Array
          ? result.slice()
          : result;
    return fault?.kind === 'corrupt' ? fault.transform(answer) : answer;
  }

  return {
    platform,
    call: (method, params) => run(method, params),
    ...(binaryChannel && {
      callBytes: async (method: string, params: Record<string, unknown>, data: Uint8Array) => {
        if (!(data instanceof Uint8Array))
          throw new NativeFailure('InvalidParams', 'the data is not bytes');
        return (await run(method, params, data)) as Uint8Array;
      },
    }),
    calls,
    prompts: device.prompts,
    failNext(method, code, message) {
      assertString(code, 'code');
      addFault(checkMethod(method), { kind: 'fail', code, message });
    },
    hangNext(method) {
      addFault(checkMethod(method), { kind: 'hang' });
    },
    corruptNext(method, transform) {
      assertFunction(transform, 'transform');
      addFault(checkMethod(method), { kind: 'corrupt', transform });
    },
    nextPrompt(outcome) {
      device.promptQueue.push(
        oneOf(outcome, 'outcome', platform === 'android' ? ANDROID_OUTCOMES : IOS_OUTCOMES),
      );
    },
    setInteractionAllowed(allowed) {
      device.interactionAllowed = flag(allowed, 'allowed', true);
    },
    setBiometricState(state) {
      device.biometricState = oneOf(
        state,
        'state',
        platform === 'android' ? ANDROID_BIOMETRIC_STATES : IOS_BIOMETRIC_STATES,
      );
    },
    authenticate() {
      device.lastAuthentication = device.settings.now();
      device.biometricState = 'available';
    },
    enrollBiometric() {
      device.enrollment += 1;
      for (const key of device.keys.values()) {
        // Android Keystore binds only biometric-only keys to the biometric SIDs that an
        // enrolment changes (KeyGenParameterSpec.Builder.setInvalidatedByBiometricEnrollment).
        const policy = key.userAuthentication;
        if (
          platform === 'android'
            ? policy.type === 'biometric' && policy.invalidateOnNewEnrollment
            : boundToCurrentBiometrics(key)
        ) {
          key.invalidated = true;
        }
      }
    },
    invalidateKey(alias) {
      const key = device.keys.get(alias);
      if (key === undefined) mustBe('alias', 'the alias of a key the simulator holds');
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
