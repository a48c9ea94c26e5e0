// A ReplayCache over Durable Objects: one object per device key, so every check of a proof
// id runs in one single-threaded place, and no two instances can both accept one proof.
//
// Why not Workers KV: KV is eventually consistent; a write can take up to a minute to be
// seen in other locations, so the same proof sent to two locations inside that minute would
// be accepted twice. A Durable Object answers each check in order, from one place.

import { DurableObject } from 'cloudflare:workers';
import type { DurableObjectNamespace } from '@cloudflare/workers-types';
import type { ReplayCache } from 'devicebind/server';

/** The Durable Object class: remembers proof ids until they expire. */
// #region durable-object
export class ReplayCacheObject extends DurableObject {
  /**
   * `false` when `id` is held and not expired; otherwise holds it until `expiresAt`. While
   * this awaits storage no other call reaches the object (its input gate), so the read and
   * the write are one atomic step.
   */
  async checkAndStore(id: string, expiresAt: number): Promise<boolean> {
    const { storage } = this.ctx;
    const held = await storage.get<number>(id);
    if (held !== undefined && held > Date.now()) return false;
    await storage.put(id, expiresAt);
    const alarm = await storage.getAlarm();
    if (alarm === null || alarm > expiresAt) await storage.setAlarm(expiresAt);
    return true;
  }

  /** Forgets expired ids, then wakes again for the next one to expire. */
  override async alarm(): Promise<void> {
    const { storage } = this.ctx;
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    const expired: string[] = [];
    for (const [id, expiresAt] of await storage.list<number>()) {
      if (expiresAt <= now) expired.push(id);
      else next = Math.min(next, expiresAt);
    }
    // storage.delete takes at most 128 keys at once.
    for (let i = 0; i < expired.length; i += 128) await storage.delete(expired.slice(i, i + 128));
    if (next !== Number.POSITIVE_INFINITY) await storage.setAlarm(next);
  }
}

/**
 * The `replayCache` option for `verifyRequest` and `verifyHandshake`, over the namespace
 * bound to {@link ReplayCacheObject}. An object that cannot be reached rejects, and the
 * proof is refused (`REPLAY_CHECK_FAILED`, 503).
 */
export function durableObjectReplayCache(
  namespace: DurableObjectNamespace<ReplayCacheObject>,
): ReplayCache {
  return {
    checkAndStore(id, expiresAt) {
      // The same id must always reach the same object; ids start with the device key's
      // thumbprint, so each device's proofs are checked by an object of its own, near it.
      const device = id.slice(0, Math.max(0, id.indexOf(':'))) || id;
      return namespace.getByName(device).checkAndStore(id, expiresAt);
    },
  };
}
// #endregion durable-object
