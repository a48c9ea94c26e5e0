// Every conformance check, in the order they run: what the store declares, then key life,
// aliases, signing, encryption, bad input, and what key rotation needs.

import {
  aliasesIsolated,
  deleteUnknownAliasSucceeds,
  listAliases,
  unknownAliasDecryptNotFound,
  unknownAliasDeriveNotFound,
  unknownAliasGetNull,
  unknownAliasSignNotFound,
} from './aliases.js';
import {
  errorsAreDeviceBindingErrors,
  invalidAliasRejected,
  invalidSpecRejected,
} from './arguments.js';
import {
  capabilitiesStable,
  capabilitiesWellFormed,
  declaredCapabilitiesWork,
  optionalSpecFieldsAccepted,
  persistentKeysSurvive,
  undeclaredAlgorithmsRefused,
  undeclaredFeaturesRefused,
} from './capabilities.js';
import type { ConformanceCheck } from './check.js';
import {
  ecdhMatchesPeer,
  ecdhRejectsMalformedPeer,
  ecdhRejectsOffCurvePeer,
  encryptionKeyRefusesOtherOperations,
  rsaOaepHashStrict,
  rsaOaepRejectsCorruptedCiphertext,
  rsaOaepRoundTrip,
} from './encryption.js';
import {
  concurrentGenerateOneKey,
  deleteKeyRemoves,
  deleteThenGenerateNewKey,
  generateExistingReturnsSame,
  generateKeyInfo,
  getKeyReturnsGenerated,
  publicJwkNoPrivateMembers,
} from './key-lifecycle.js';
import { bindingRotation, listingSurvivesNewInstance } from './rotation.js';
import {
  signConcurrentCalls,
  signCoversExactBytes,
  signEmptyInput,
  signingKeyRefusesOtherOperations,
  signJoseForm,
  signLargeInput,
  signRejectsInvalidData,
  signRespectsByteOffset,
} from './signing.js';

/** @internal */
export const ALL_CHECKS: readonly ConformanceCheck[] = [
  capabilitiesWellFormed,
  capabilitiesStable,
  declaredCapabilitiesWork,
  undeclaredAlgorithmsRefused,
  undeclaredFeaturesRefused,
  optionalSpecFieldsAccepted,
  persistentKeysSurvive,
  generateKeyInfo,
  publicJwkNoPrivateMembers,
  getKeyReturnsGenerated,
  generateExistingReturnsSame,
  concurrentGenerateOneKey,
  deleteKeyRemoves,
  deleteThenGenerateNewKey,
  listAliases,
  aliasesIsolated,
  deleteUnknownAliasSucceeds,
  unknownAliasGetNull,
  unknownAliasSignNotFound,
  unknownAliasDeriveNotFound,
  unknownAliasDecryptNotFound,
  signJoseForm,
  signCoversExactBytes,
  signEmptyInput,
  signLargeInput,
  signRespectsByteOffset,
  signConcurrentCalls,
  signRejectsInvalidData,
  signingKeyRefusesOtherOperations,
  encryptionKeyRefusesOtherOperations,
  ecdhMatchesPeer,
  ecdhRejectsOffCurvePeer,
  ecdhRejectsMalformedPeer,
  rsaOaepRoundTrip,
  rsaOaepRejectsCorruptedCiphertext,
  rsaOaepHashStrict,
  invalidAliasRejected,
  invalidSpecRejected,
  errorsAreDeviceBindingErrors,
  listingSurvivesNewInstance,
  bindingRotation,
];
