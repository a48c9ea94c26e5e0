// Types of scripts/runtimes.mjs, for vitest.config.ts and the tests.

export type RuntimeName = 'workerd' | 'deno' | 'bun';
export declare const RUNTIME_NAMES: readonly RuntimeName[];
export declare const INSTALL_HINT: Readonly<Record<RuntimeName, string>>;
export declare function findRuntime(name: RuntimeName): string | undefined;
