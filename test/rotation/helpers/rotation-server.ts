// A server for one account, written as docs/server-integration.md ("Key rotation") tells:
// sign-in with verifyHandshake, requests with verifyRequest, and a rotation endpoint that
// verifies with verifyRotation, moves the binding, keeps the previous key for a grace
// period, and answers an already-accepted rotation again when its answer was lost.

import type { PublicJwk } from '../../../src/core/jwk.js';
import {
  isDeviceBindingError,
  MemoryReplayCache,
  sealEnvelope,
  verifyHandshake,
  verifyRequest,
  verifyRotation,
} from '../../../src/server/index.js';
import type { RotationEndpoint } from '../../helpers/rotation-start-up.js';

interface Device {
  deviceId: string;
  signingKey: PublicJwk;
  encryptionKey: PublicJwk;
}

export class RotationServer implements RotationEndpoint {
  /** The account's binding, and the key it replaced (kept until the client uses the new one). */
  device: (Device & { previous?: Device }) | undefined;
  /** Device ids bound to other accounts. */
  readonly others = new Set<string>();
  readonly #nonces = new Set<string>();
  readonly #replayCache = new MemoryReplayCache();
  #counter = 0;

  issueNonce(): string {
    const nonce = `challenge-${++this.#counter}-${Math.random().toString(36).slice(2)}`;
    this.#nonces.add(nonce);
    return nonce;
  }

  #consume = (nonce: string): boolean => this.#nonces.delete(nonce);

  async signIn(handshake: string): Promise<void> {
    const { deviceId, signingKey, encryptionKey } = await verifyHandshake(handshake, {
      expectedNonce: this.#consume,
    });
    this.device = { deviceId, signingKey, encryptionKey };
  }

  /**
   * POST /device/rotate. `sessionDeviceId` is the key the request was authenticated with (its
   * DPoP proof and access token): the current key, or on a retry after a lost answer the
   * previous one, still in its grace period.
   */
  async rotate(token: string, sessionDeviceId: string): Promise<200 | 400 | 401 | 409> {
    const device = this.device;
    if (device === undefined) return 401;
    const retry = device.previous !== undefined && sessionDeviceId === device.previous.deviceId;
    if (!retry && sessionDeviceId !== device.deviceId) return 401;
    try {
      const rotated = await verifyRotation(token, {
        current: retry ? device.previous!.signingKey : device.signingKey,
        expectedNonce: this.#consume,
        replayCache: this.#replayCache,
        // The binding's own new key is no conflict when the same rotation comes again.
        isBound: (id) => (retry && id === device.deviceId ? false : this.#isBound(id)),
      });
      if (retry) {
        // Only the rotation that was accepted may be answered again.
        return rotated.deviceId === device.deviceId ? 200 : 409;
      }
      const { deviceId, signingKey, encryptionKey } = rotated;
      this.device = {
        deviceId,
        signingKey,
        encryptionKey,
        previous: {
          deviceId: device.deviceId,
          signingKey: device.signingKey,
          encryptionKey: device.encryptionKey,
        },
      };
      return 200;
    } catch (err) {
      if (!isDeviceBindingError(err)) throw err;
      return err.detail?.reason === 'already_bound' ? 409 : 400;
    }
  }

  #isBound(id: string): boolean {
    return (
      this.others.has(id) || id === this.device?.deviceId || id === this.device?.previous?.deviceId
    );
  }

  /**
   * GET /api with a DPoP proof: accepted when it is signed by the bound key. The first request
   * with the new key ends the previous key's grace period.
   */
  async accepts(proof: string, url: string): Promise<boolean> {
    const device = this.device;
    if (device === undefined) return false;
    try {
      await verifyRequest(
        { method: 'GET', url, headers: { DPoP: proof } },
        { signingKey: device.signingKey, replayCache: this.#replayCache },
      );
    } catch (err) {
      if (isDeviceBindingError(err)) return false;
      throw err;
    }
    delete device.previous;
    return true;
  }

  /** Seals a file for the device's current encryption key. */
  seal(file: Uint8Array): Promise<string> {
    return sealEnvelope(file, this.device!.encryptionKey);
  }
}
