// createAttestationAuthority: its evidence has the shape of real evidence, as an independent
// X.509 parser (node:crypto, OpenSSL) and CBOR decoder read it, and its arguments are checked.

import { createHash, X509Certificate } from 'node:crypto';
import { type CBORType, decodeCBOR } from '@levischuck/tiny-cbor';
import { describe, expect, it } from 'vitest';
import { DeviceBindingError } from '../../src/core/errors.js';
import { createAttestationAuthority } from '../../src/testing/index.js';

const authority = createAttestationAuthority();
const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
  'sign',
])) as CryptoKeyPair;
const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));

function certificates(x5c: readonly string[]): X509Certificate[] {
  return x5c.map((b64) => new X509Certificate(Buffer.from(b64, 'base64')));
}

function chained(certs: readonly X509Certificate[]): boolean {
  return certs
    .slice(0, -1)
    .every((cert, i) => cert.checkIssued(certs[i + 1]!) && cert.verify(certs[i + 1]!.publicKey));
}

describe('createAttestationAuthority', () => {
  it('issues remotely provisioned chains: leaf, attestation key (O=TEE), Droid CA3, Droid CA2, root', () => {
    const certs = certificates(
      authority.android({ publicKey: spki, challenge: Uint8Array.of(1) }).x5c,
    );
    expect(certs.map((cert) => cert.subject.replace(/\n/g, ', '))).toEqual([
      'CN=Android Keystore Key',
      expect.stringMatching(/^CN=[0-9a-f]{32}, O=TEE$/),
      'O=Google LLC, CN=Droid CA3',
      'O=Google LLC, CN=Droid CA2',
      'CN=devicebind test attestation root',
    ]);
    expect(chained(certs)).toBe(true);
    expect(certs[4]!.verify(certs[4]!.publicKey)).toBe(true);
    expect(Buffer.from(certs[0]!.publicKey.export({ type: 'spki', format: 'der' }))).toEqual(
      Buffer.from(spki),
    );
  });

  it('issues factory chains: leaf, batch key (title=StrongBox), intermediate, root', () => {
    const { x5c } = authority.android({
      publicKey: spki,
      challenge: Uint8Array.of(1),
      provisioning: 'factory',
      securityLevel: 'strongbox',
    });
    const certs = certificates(x5c);
    expect(certs).toHaveLength(4);
    expect(certs[1]!.subject).toMatch(/^serialNumber=[0-9a-f]{16}\ntitle=StrongBox$/);
    expect(chained(certs)).toBe(true);
  });

  it('reports each certificate serial as the status list spells it', () => {
    const { x5c, serials } = authority.android({ publicKey: spki, challenge: Uint8Array.of(1) });
    expect(serials).toEqual(
      certificates(x5c).map((cert) => cert.serialNumber.toLowerCase().replace(/^0+(?=.)/, '')),
    );
  });

  it('issues App Attest objects whose key id is SHA-256 of the credential key', () => {
    const key = authority.appAttest({
      clientDataHash: new Uint8Array(32),
      teamId: 'T',
      bundleId: 'B',
    });
    const object = decodeCBOR(key.attestationObject) as Map<string, CBORType>;
    expect([...object.keys()]).toEqual(['fmt', 'attStmt', 'authData']);
    expect(object.get('fmt')).toBe('apple-appattest');
    const [credential, intermediate] = (
      (object.get('attStmt') as Map<string, CBORType>).get('x5c') as Uint8Array[]
    ).map((der) => new X509Certificate(Buffer.from(der)));
    expect(credential!.verify(intermediate!.publicKey)).toBe(true);
    const point = credential!.publicKey.export({ format: 'jwk' });
    const raw = Buffer.concat([
      Buffer.of(4),
      Buffer.from(point.x!, 'base64url'),
      Buffer.from(point.y!, 'base64url'),
    ]);
    expect(createHash('sha256').update(raw).digest('base64')).toBe(key.keyId);
    expect(authority.appAttestKey(key.keyId)).toBe(key);
  });

  it('gives IosKeychainKeyStore an App Attest provider over the adapter’s clientDataHash', async () => {
    const provider = authority.appAttestProvider({ teamId: 'T', bundleId: 'B' });
    const result = await provider({
      alias: 'app.signing',
      purpose: 'sign',
      publicKey: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' },
      clientDataHash: new Uint8Array(32),
    });
    expect(authority.appAttestKey(result!.keyId)?.attestationObject).toEqual(
      result!.attestationObject,
    );
  });

  it.each([
    ['options that are not an object', 'now'],
    ['a clock that is not a function', { now: 42 }],
  ])('refuses %s with INVALID_ARGUMENT', (_, options) => {
    let error: unknown;
    try {
      createAttestationAuthority(options as never);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DeviceBindingError);
    expect((error as DeviceBindingError).code).toBe('INVALID_ARGUMENT');
  });
});
