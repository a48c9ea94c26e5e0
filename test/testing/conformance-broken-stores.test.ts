import { describe, expect, it } from 'vitest';
import { runKeyStoreConformance } from '../../src/testing/index.js';
import { BROKEN_STORES } from './broken-stores/index.js';

describe('runKeyStoreConformance against deliberately broken stores', () => {
  it.each(BROKEN_STORES.map((c) => [c.breakage, c] as const))(
    'fails a store that %s',
    async (_breakage, { create, options, fails, passes }) => {
      const report = await runKeyStoreConformance(create, options);
      const byName = new Map(report.results.map((r) => [r.name, r]));
      expect(report.failed).toBeGreaterThan(0);
      for (const [name, pattern] of Object.entries(fails)) {
        const result = byName.get(name);
        expect(result, `no result named ${name}`).toBeDefined();
        expect(result?.ok, `${name} should fail`).toBe(false);
        expect(result?.skipped).toBeUndefined();
        expect(result?.error).toMatch(pattern);
      }
      for (const name of passes) {
        const result = byName.get(name);
        expect(result, `no result named ${name}`).toBeDefined();
        expect(result?.error, `${name} should pass`).toBeUndefined();
        expect(result?.ok).toBe(true);
        expect(result?.skipped).toBeUndefined();
      }
    },
    60_000,
  );
});
