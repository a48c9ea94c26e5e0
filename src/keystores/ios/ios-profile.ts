// What is particular to the iOS Keychain and Secure Enclave: P-256 only (ECDSA and ECDH key
// exchange, no RSA, no Ed25519 in the enclave), reuse windows of at most 300 s, enrolment
// checks against the saved biometric domain state, and App Attest provided by the app.

import { appAttestClientDataHash } from '../../core/app-attest-client-data.js';
import { fail } from '../../core/errors.js';
import type { BridgeCore, PlatformProfile } from '../bridge/bridge-core.js';
import { readBoolean } from '../bridge/codec.js';
import { hardwarePreference, normalizeUserAuthentication } from '../bridge/request-params.js';
import type { KeyInfo, KeySpec, KeyStoreCapabilities } from '../contract.js';
import { type AppAttestProvider, runAppAttest } from './app-attest.js';

/** What the iOS native side reports about the device (`getInfo`). */
export interface IosDeviceInfo {
  /** Whether keys can be made in the Secure Enclave (false in the iOS Simulator). */
  readonly secureEnclave: boolean;
  /** Whether a device passcode is set. */
  readonly deviceSecure: boolean;
  /** Whether Touch ID, Face ID or Optic ID is enrolled. */
  readonly biometrics: boolean;
}

/** LocalAuthentication reuses an authentication for at most 300 s (`LATouchIDAuthenticationMaximumAllowableReuseDuration`). */
export const MAX_IOS_REUSE_SECONDS = 300;

const WHAT = 'getInfo result';

function checkIosSpec(spec: KeySpec): void {
  const auth = normalizeUserAuthentication(spec.userAuthentication, 'spec.userAuthentication');
  if (auth.validitySeconds > MAX_IOS_REUSE_SECONDS) {
    fail(
      'UNSUPPORTED_ALGORITHM',
      `iOS reuses an authentication for at most ${MAX_IOS_REUSE_SECONDS} s; lower "spec.userAuthentication.validitySeconds"`,
    );
  }
}

/** @internal Settings of the iOS profile. */
export interface IosProfileSettings {
  readonly appAttest: AppAttestProvider | undefined;
  readonly checkEnrollment: boolean;
}

/** @internal The iOS profile of the bridge adapter. */
export function iosProfile({
  appAttest,
  checkEnrollment,
}: IosProfileSettings): PlatformProfile<IosDeviceInfo> {
  const capabilities = (info: IosDeviceInfo): KeyStoreCapabilities => ({
    signing: ['ES256'],
    encryption: ['ECDH-ES'],
    hardwareBacked: info.secureEnclave,
    userAuthentication: info.deviceSecure,
    attestation: appAttest !== undefined,
    persistent: true,
  });
  const attach = async (
    key: KeyInfo,
    spec: KeySpec,
    core: BridgeCore<IosDeviceInfo>,
  ): Promise<KeyInfo> => {
    if (appAttest === undefined) return key;
    let attestation: { keyId: string; attestationObject: string } | undefined;
    try {
      attestation = await runAppAttest(appAttest, {
        alias: key.alias,
        purpose: key.purpose,
        publicKey: key.publicKey,
        ...(spec.attestationChallenge && { challenge: spec.attestationChallenge }),
        clientDataHash: appAttestClientDataHash(key.publicKey, spec.attestationChallenge),
      });
      if (attestation === undefined) return key;
      // The native side keeps it with the key, so getKey returns it after a restart too.
      await core.call('setAttestation', { alias: key.alias, attestation });
    } catch (err) {
      // A key without the attestation the app asked for is not kept: the next try starts afresh.
      await core.call('deleteKey', { alias: key.alias }).catch(() => undefined);
      throw err;
    }
    return { ...key, attestation: { format: 'apple-app-attest', ...attestation } };
  };
  return {
    platform: 'ios',
    records: {
      platform: 'ios',
      algorithms: ['ES256', 'ECDH-ES'],
      securityLevels: ['software', 'secure-enclave'],
    },
    readInfo(answer) {
      return {
        secureEnclave: readBoolean(answer, 'secureEnclave', WHAT),
        deviceSecure: readBoolean(answer, 'deviceSecure', WHAT),
        biometrics: readBoolean(answer, 'biometrics', WHAT),
      };
    },
    capabilities,
    checkSpec: checkIosSpec,
    generateParams(spec, info) {
      return { secureEnclave: hardwarePreference(spec) !== 'none' && info.secureEnclave };
    },
    useParams: { checkEnrollment },
    afterCreate: attach,
  };
}
