// Types of published-data.mjs (plain JavaScript so that scripts/test.mjs can import it too).

/** One published data set and where its suites live. */
export interface DataSet {
  name: string;
  variable: string;
  beside: string;
  what: string;
  folder: string;
  suffix: string;
}

/** A data set as found on this machine. */
export interface LocatedDataSet extends DataSet {
  /** Its suites, relative to the repository root. */
  suites: string[];
  /** The folder, absolute, when found. */
  dir: string | undefined;
  /** Why its absence must fail the run, if it must. */
  problem: string | undefined;
}

export const REQUIRE_VARIABLE: string;
export const DATA_SETS: readonly DataSet[];
export function isSuiteOf(set: DataSet, file: string): boolean;
export function testFiles(repoRoot: string): string[];
export function locateDataSets(
  repoRoot: string,
  env?: Record<string, string | undefined>,
): LocatedDataSet[];
export function notRunNotice(located: readonly LocatedDataSet[]): string | undefined;
