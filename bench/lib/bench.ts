// What a benchmark file under bench/ exports, for scripts/bench.mjs to run: groups of cases
// measured side by side, each compared with the group's baseline.

/**
 * One thing to measure. `run` is called (and awaited) over and over. When it resolves to
 * `{ elapsedMs }`, that is the time counted for the call (for work it timed itself, such as
 * an import in a child process), not the wall time around it.
 */
export interface BenchCase {
  readonly name: string;
  readonly run: () => unknown;
}

/** Cases measured side by side, in interleaved rounds, against one baseline. */
export interface BenchGroup {
  readonly name: string;
  /** The case every other case is expressed as a ratio of (its ratio is 1.0). */
  readonly baseline: string;
  readonly cases: readonly BenchCase[];
  /** Extra ratios to print: `[label, numerator case, denominator case]`. */
  readonly ratios?: readonly (readonly [string, string, string])[];
  /** Lines printed under the group (e.g. why a case was skipped). */
  readonly notes?: readonly string[];
  /** Bytes processed per call, to print throughput as well. */
  readonly bytesPerOp?: number;
  /**
   * Calls of one case kept running at once (default 1: each call awaited before the next).
   * Above 1 the figure is throughput under load, as from an app's parallel requests.
   */
  readonly inFlight?: number;
  /** Print milliseconds per call as well (for slow cases such as a cold import). */
  readonly showMs?: boolean;
}

/** What a bench file's default export returns: set everything up, then hand over the groups. */
export type BenchSuite = () => Promise<readonly BenchGroup[]>;

/** Identity helper that gives a bench file's default export its type. */
export function defineBench(suite: BenchSuite): BenchSuite {
  return suite;
}

/**
 * Imports resolved by the harness to an empty module when their file does not exist yet:
 * true when `namespace` came from such a stand-in.
 */
export function isMissingModule(namespace: object): boolean {
  return (
    (namespace as { __benchMissing?: boolean }).__benchMissing === true ||
    (namespace as { default?: { __benchMissing?: boolean } }).default?.__benchMissing === true
  );
}
