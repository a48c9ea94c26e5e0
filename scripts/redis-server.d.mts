// Types of scripts/redis-server.mjs, for vitest.config.ts and the tests.

export declare const REDIS_TEST_FILES: string;
export declare const REDIS_INSTALL_HINT: string;
export declare function findRedisServer(): string | undefined;
