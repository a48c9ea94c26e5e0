// The KeyStore conformance kit: run it against a store, read the report, list the checks.

export {
  type ConformanceCheckInfo,
  type ConformanceCheckScope,
  listConformanceChecks,
} from './plan.js';
export { formatConformanceReport } from './report.js';
export { runKeyStoreConformance } from './run.js';
export type {
  ConformanceCheckResult,
  CreateKeyStore,
  KeyStoreConformanceOptions,
  KeyStoreConformanceReport,
} from './types.js';
