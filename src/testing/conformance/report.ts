// A plain-text summary of a conformance report, for test failure messages and logs.

import { mustBe } from '../../core/assert.js';
import type { KeyStoreConformanceReport } from './types.js';

/**
 * Formats a conformance report as text: a summary line, then every failed check with its
 * reason (and, with `verbose`, every check).
 *
 * @param report What {@link runKeyStoreConformance} resolved to.
 * @param options `verbose: true` lists passed and skipped checks too.
 * @throws `INVALID_ARGUMENT` when `report` is not a conformance report.
 * @example
 * ```ts
 * const report = await runKeyStoreConformance(() => new MyKeyStore());
 * if (report.failed > 0) throw new Error(formatConformanceReport(report));
 * ```
 */
export function formatConformanceReport(
  report: KeyStoreConformanceReport,
  options: { verbose?: boolean } = {},
): string {
  if (typeof report !== 'object' || report === null || !Array.isArray(report.results)) {
    mustBe('report', 'what runKeyStoreConformance resolved to');
  }
  const ran = report.passed + report.failed;
  const lines = [
    `KeyStore conformance of "${report.store}": ${ran} checks ran, ${report.failed} of them failed; ${report.skipped} skipped`,
  ];
  for (const result of report.results) {
    if (!result.ok) lines.push(`  FAIL ${result.name}: ${result.error ?? 'failed'}`);
    else if (options.verbose === true && result.skipped === true) {
      lines.push(`  skip ${result.name}: ${result.reason ?? ''}`);
    } else if (options.verbose === true) lines.push(`  ok   ${result.name}`);
  }
  return lines.join('\n');
}
