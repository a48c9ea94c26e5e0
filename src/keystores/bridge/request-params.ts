// Checks what the app passes to a bridge adapter (key specs, prompts, operation options) and
// turns it into the JSON parameters of the bridge protocol.

import { assertNumber, assertObject, assertString, mustBe } from '../../core/assert.js';
import { encodeBase64url } from '../../core/base64url.js';
import type {
  AuthenticationPrompt,
  HardwarePreference,
  KeyOperationOptions,
  KeySpec,
  UserAuthenticationPolicy,
} from '../contract.js';
import { checkSignal } from './call.js';

/** @internal The user-authentication policy with every field decided, as sent to native code. */
export interface NormalizedUserAuthentication {
  readonly type: UserAuthenticationPolicy['type'];
  readonly validitySeconds: number;
  readonly invalidateOnNewEnrollment: boolean;
}

/** @internal Operations that may show a prompt. */
export type PromptedOperation = 'sign' | 'agree' | 'decrypt';

const AUTH_TYPES: readonly string[] = ['none', 'biometric', 'biometric-or-device-credential'];
const HARDWARE: readonly string[] = ['required', 'preferred', 'strongbox-preferred', 'none'];
const MODULUS_LENGTHS: readonly number[] = [2048, 3072, 4096];
const PROMPT_FIELDS = ['title', 'subtitle', 'description', 'cancelLabel'] as const;
const MAX_PROMPT_TEXT = 500;
/** Android Keystore accepts attestation challenges of at most 128 bytes. */
export const MAX_ATTESTATION_CHALLENGE = 128;

/** @internal Checks and completes a user-authentication policy. @throws `INVALID_ARGUMENT` */
export function normalizeUserAuthentication(
  value: unknown,
  name: string,
): NormalizedUserAuthentication {
  if (value === undefined)
    return { type: 'none', validitySeconds: 0, invalidateOnNewEnrollment: false };
  const { type, invalidateOnNewEnrollment } = assertObject(value, name) as UserAuthenticationPolicy;
  if (typeof type !== 'string' || !AUTH_TYPES.includes(type))
    mustBe(`${name}.type`, '"none", "biometric" or "biometric-or-device-credential"');
  const validitySeconds = assertNumber(
    (value as UserAuthenticationPolicy).validitySeconds,
    `${name}.validitySeconds`,
    { min: 0, max: 2_147_483_647, fallback: 0, integer: true, unit: 'seconds' },
  );
  if (invalidateOnNewEnrollment !== undefined && typeof invalidateOnNewEnrollment !== 'boolean')
    mustBe(`${name}.invalidateOnNewEnrollment`, 'a boolean');
  if (type === 'none') return { type, validitySeconds: 0, invalidateOnNewEnrollment: false };
  return { type, validitySeconds, invalidateOnNewEnrollment: invalidateOnNewEnrollment ?? true };
}

/**
 * @internal Checks the parts of a key spec the capability check does not cover and builds
 * the platform-independent generateKey parameters.
 * @throws `INVALID_ARGUMENT`
 */
export function generateKeyParams(alias: string, spec: KeySpec): Record<string, unknown> {
  const { hardware, modulusLength, attestationChallenge } = spec;
  if (hardware !== undefined && !HARDWARE.includes(hardware))
    mustBe('spec.hardware', '"required", "preferred", "strongbox-preferred" or "none"');
  const isRsa = spec.algorithm === 'RSA-OAEP' || spec.algorithm === 'RSA-OAEP-256';
  if (isRsa && modulusLength !== undefined && !MODULUS_LENGTHS.includes(modulusLength))
    mustBe('spec.modulusLength', '2048, 3072 or 4096');
  if (
    attestationChallenge !== undefined &&
    (!(attestationChallenge instanceof Uint8Array) ||
      attestationChallenge.length === 0 ||
      attestationChallenge.length > MAX_ATTESTATION_CHALLENGE)
  ) {
    mustBe('spec.attestationChallenge', `a Uint8Array of 1 to ${MAX_ATTESTATION_CHALLENGE} bytes`);
  }
  return {
    alias,
    purpose: spec.purpose,
    algorithm: spec.algorithm,
    ...(isRsa && { modulusLength: modulusLength ?? 2048 }),
    userAuthentication: normalizeUserAuthentication(
      spec.userAuthentication,
      'spec.userAuthentication',
    ),
    ...(attestationChallenge !== undefined && {
      attestationChallenge: encodeBase64url(attestationChallenge),
    }),
  };
}

/** @internal The hardware preference of a spec, with its default. */
export function hardwarePreference(spec: KeySpec): HardwarePreference {
  return spec.hardware ?? 'preferred';
}

/** @internal Checks prompt texts and keeps only the known fields. @throws `INVALID_ARGUMENT` */
export function checkPrompt(value: unknown, name: string): AuthenticationPrompt | undefined {
  if (value === undefined) return undefined;
  const texts = assertObject(value, name) as Record<string, unknown>;
  const prompt: Record<string, string> = {};
  for (const field of PROMPT_FIELDS) {
    const text = texts[field];
    if (text !== undefined) prompt[field] = assertString(text, `${name}.${field}`, MAX_PROMPT_TEXT);
  }
  return prompt;
}

/** @internal Prompt texts per operation, as given to an adapter's constructor. */
export type PromptTexts = Partial<Record<PromptedOperation, AuthenticationPrompt>>;

/** @internal Checks the `prompts` constructor option. @throws `INVALID_ARGUMENT` */
export function checkPromptTexts(value: unknown): PromptTexts {
  if (value === undefined) return {};
  const given = assertObject(value, 'options.prompts') as PromptTexts;
  const texts: PromptTexts = {};
  for (const operation of ['sign', 'agree', 'decrypt'] as const) {
    const prompt = checkPrompt(given[operation], `options.prompts.${operation}`);
    if (prompt !== undefined) texts[operation] = prompt;
  }
  return texts;
}

/**
 * @internal Checks per-operation options; the prompt is the operation's own, else the
 * adapter's default for that operation.
 * @throws `INVALID_ARGUMENT`
 */
export function operationOptions(
  options: KeyOperationOptions | undefined,
  operation: PromptedOperation,
  defaults: PromptTexts,
): { prompt: AuthenticationPrompt | undefined; signal: AbortSignal | undefined } {
  if (options === undefined) return { prompt: defaults[operation], signal: undefined };
  assertObject(options);
  return {
    prompt: checkPrompt(options.prompt, 'options.prompt') ?? defaults[operation],
    signal: checkSignal(options.signal),
  };
}
