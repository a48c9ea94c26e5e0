// Google's attestation status list (revoked and suspended attestation keys), given as data or
// loaded through a caller's function, cached and shared by every verification that uses it.

import { assertFunction, assertNumber, assertObject, mustBe } from '../../core/assert.js';

/** One entry of the status list: an attestation certificate that is no longer trusted. */
export interface RevocationEntry {
  /** `REVOKED` or `SUSPENDED` (other values are treated as revoked). */
  readonly status: string;
  /** `KEY_COMPROMISE`, `CA_COMPROMISE`, `SUPERSEDED`, `SOFTWARE_FLAW`, … */
  readonly reason?: string;
  readonly comment?: string;
  readonly expires?: string;
}

/** The answer of a status lookup. */
export interface RevocationLookup {
  /** Whether a list was available (from data, or loaded recently enough). */
  readonly available: boolean;
  /** The entries of the serials asked about that are listed, by serial. */
  readonly entries: ReadonlyMap<string, RevocationEntry>;
}

/**
 * The status list as verifiers consult it. Create one with {@link createRevocationList} and
 * share it: it loads the list at most once per `maxAgeSeconds`, whatever the traffic.
 */
export interface RevocationList {
  /** What a verification does when no list can be had (`refuse`: fail closed). */
  readonly whenUnavailable: 'refuse' | 'accept';
  /** What a `SUSPENDED` entry means to a verification. */
  readonly suspended: 'refuse' | 'accept';
  /** The entries for `serials` (lowercase hex without leading zeros). */
  lookup(serials: readonly string[]): Promise<RevocationLookup>;
}

/**
 * Options for {@link createRevocationList}: `list` (data) or `load` (a function that fetches
 * it), not both.
 *
 * @example
 * ```ts
 * const options: RevocationListOptions = {
 *   load: async () => (await fetch('https://android.googleapis.com/attestation/status')).json(),
 * };
 * ```
 */
export interface RevocationListOptions {
  /** The list as Google publishes it: `{ entries: { "<serial hex>": { status, reason } } }`. */
  list?: unknown;
  /** Loads the current list (its parsed JSON), e.g. from `https://android.googleapis.com/attestation/status`. */
  load?: () => Promise<unknown>;
  /** How long a loaded list is used before it is loaded again (default 3600 s). */
  maxAgeSeconds?: number;
  /** How long the last list may still be used while loading fails (default 86400 s). */
  maxStaleSeconds?: number;
  /** After a failed load, how long to wait before trying again (default 60 s). */
  retryAfterSeconds?: number;
  /**
   * What a verification does when no list can be had: `refuse` (default, fail closed) or
   * `accept` (fail open: the result says `revocation: 'unavailable'`).
   */
  whenUnavailable?: 'refuse' | 'accept';
  /**
   * What a `SUSPENDED` key means: `refuse` (default; Google suspends a key while it decides
   * whether it is compromised, so it is not trusted meanwhile) or `accept` (the result carries a
   * warning).
   */
  suspended?: 'refuse' | 'accept';
  /** The clock, in ms (default `Date.now`). */
  now?: () => number;
}

const MAX_ENTRIES = 1_000_000;

/** Lowercase hex without leading zeros, as Google's libraries print serials. */
function normalizeSerial(serial: string): string {
  return serial.toLowerCase().replace(/^0+(?=.)/, '');
}

/** The entries of a list, or `undefined` when it is not a status list. */
function readList(value: unknown): Map<string, RevocationEntry> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entries = (value as { entries?: unknown }).entries;
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) return undefined;
  const out = new Map<string, RevocationEntry>();
  for (const [serial, entry] of Object.entries(entries)) {
    if (out.size >= MAX_ENTRIES || !/^[0-9a-fA-F]{1,128}$/.test(serial)) return undefined;
    if (typeof entry !== 'object' || entry === null) return undefined;
    const { status, reason, comment, expires } = entry as Record<string, unknown>;
    if (typeof status !== 'string') return undefined;
    out.set(normalizeSerial(serial), {
      status: status.toUpperCase(),
      ...(typeof reason === 'string' && { reason }),
      ...(typeof comment === 'string' && { comment }),
      ...(typeof expires === 'string' && { expires }),
    });
  }
  return out;
}

function choice<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  if (value === undefined) return allowed[0]!;
  if (!allowed.includes(value as T)) mustBe(name, allowed.map((a) => `"${a}"`).join(' or '));
  return value as T;
}

interface Snapshot {
  readonly entries: ReadonlyMap<string, RevocationEntry>;
  readonly at: number;
}

/**
 * Creates the revocation list verifiers consult: from data (`list`), or loaded through `load`
 * and cached for `maxAgeSeconds`, with one load in flight at a time shared by every caller.
 * When loading fails the last list serves for up to `maxStaleSeconds`; after that (or before
 * any list was loaded) verifications refuse with reason `unavailable`, unless
 * `whenUnavailable: 'accept'`. A list that is not in Google's format counts as unavailable.
 *
 * @throws `INVALID_ARGUMENT` for malformed options, or a `list` that is not a status list.
 * @example
 * ```ts
 * import { createRevocationList, verifyAndroidKeyAttestation } from 'devicebind/server/attestation';
 *
 * // One per process, shared by every request.
 * const revocation = createRevocationList({
 *   load: async () => (await fetch('https://android.googleapis.com/attestation/status')).json(),
 * });
 * const result = await verifyAndroidKeyAttestation(x5c, { expectedChallenge, revocation });
 * ```
 */
export function createRevocationList(options: RevocationListOptions): RevocationList {
  const { list, load, now = Date.now } = assertObject(options);
  if ((list === undefined) === (load === undefined))
    mustBe('options', 'given "list" or "load" (one of them)');
  if (load !== undefined) assertFunction(load, 'options.load');
  assertFunction(now, 'options.now');
  const seconds = (value: unknown, name: string, fallback: number) =>
    assertNumber(value, name, { min: 0, max: 31_536_000, fallback, unit: 'seconds' }) * 1000;
  const maxAge = seconds(options.maxAgeSeconds, 'options.maxAgeSeconds', 3600);
  const maxStale = seconds(options.maxStaleSeconds, 'options.maxStaleSeconds', 86_400);
  const retryAfter = seconds(options.retryAfterSeconds, 'options.retryAfterSeconds', 60);
  const whenUnavailable = choice(options.whenUnavailable, 'options.whenUnavailable', [
    'refuse',
    'accept',
  ] as const);
  const suspended = choice(options.suspended, 'options.suspended', ['refuse', 'accept'] as const);

  let snapshot: Snapshot | undefined;
  if (list !== undefined) {
    const entries = readList(list);
    if (entries === undefined)
      mustBe('options.list', 'a status list: { entries: { "<serial hex>": { status } } }');
    snapshot = { entries, at: Number.POSITIVE_INFINITY };
  }
  let loading: Promise<void> | undefined;
  let failedAt = Number.NEGATIVE_INFINITY;

  const refresh = (): Promise<void> => {
    loading ??= (async () => {
      try {
        const entries = readList(await load!());
        if (entries === undefined) throw new Error('not a status list');
        snapshot = { entries, at: now() };
      } catch {
        failedAt = now();
      } finally {
        loading = undefined;
      }
    })();
    return loading;
  };

  const current = async (): Promise<Snapshot | undefined> => {
    if (load === undefined) return snapshot;
    const time = now();
    const fresh = snapshot !== undefined && time - snapshot.at < maxAge;
    if (!fresh && time - failedAt >= retryAfter) await refresh();
    const latest = snapshot;
    return latest !== undefined && now() - latest.at < maxAge + maxStale ? latest : undefined;
  };

  return {
    whenUnavailable,
    suspended,
    async lookup(serials) {
      const latest = await current();
      const entries = new Map<string, RevocationEntry>();
      for (const serial of serials) {
        const entry = latest?.entries.get(normalizeSerial(serial));
        if (entry !== undefined) entries.set(serial, entry);
      }
      return { available: latest !== undefined, entries };
    },
  };
}
