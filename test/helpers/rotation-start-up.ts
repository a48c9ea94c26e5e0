// The start-up sequence an app runs after it may have died in a key rotation
// (docs/getting-started.md, "Rotate the keys"), shared by the Node and browser tests.

import { seal, unseal } from '../../src/envelopes.js';
import type { DeviceBinding } from '../../src/index.js';
import { forgetPreviousKeys, pendingRotation, previousKeys } from '../../src/rotation.js';

/** The server's rotation endpoint, as the app sees it. */
export interface RotationEndpoint {
  issueNonce(): string;
  /** POST /device/rotate, authenticated with `sessionDeviceId`'s key: the HTTP status. */
  rotate(token: string, sessionDeviceId: string): Promise<number>;
}

/** What the app keeps besides its keys: one sealed value, replaced in one write. */
export interface AppData {
  sealed: string;
}

/**
 * Finishes a rotation the app died in (abort when no token can exist; otherwise send a fresh
 * token and commit or abort on the answer), then re-seals `data` and forgets the previous keys.
 */
export async function startUp(
  binding: DeviceBinding,
  server: RotationEndpoint,
  data: AppData,
): Promise<void> {
  const pending = await pendingRotation(binding);
  if (pending !== null) {
    if (!pending.complete) await pending.abort();
    else {
      const rotation = await pending.resume({ nonce: server.issueNonce() });
      const status = await server.rotate(rotation.token, rotation.previousDeviceId);
      if (status === 200) await rotation.commit();
      else await rotation.abort();
    }
  }
  if ((await previousKeys(binding)) !== null) await migrateAndForget(binding, data);
}

/** Re-seals the app's value with the current keys, then ends the previous keys' life. */
export async function migrateAndForget(binding: DeviceBinding, data: AppData): Promise<void> {
  data.sealed = await seal(binding, await unseal(binding, data.sealed, { context: 'rt' }), {
    context: 'rt',
  });
  await forgetPreviousKeys(binding);
}
