// The `devicebind/server/attestation` entry point: what it exports, that it only re-exports,
// and that its X.509 and CBOR dependencies load only through it (not `devicebind/server`, not
// the client).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as attestation from '../../../src/server/attestation/index.js';

const srcDir = fileURLToPath(new URL('../../../src/', import.meta.url));

/** Every module `entry` loads, bundled as a server would (dependencies included). */
async function moduleGraph(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [`${srcDir}${entry}`],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'neutral',
    // As Workers bundlers resolve: the @peculiar packages have `module` and `main`, no `exports`.
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser', 'import'],
    format: 'esm',
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

const ATTESTATION_ONLY = [
  /@peculiar\//,
  /\/tiny-cbor\//,
  /\/asn1js\//,
  /src\/server\/attestation\//,
];

describe('devicebind/server/attestation', () => {
  it('exports the verifiers, the status list and the roots', () => {
    for (const name of [
      'verifyAndroidKeyAttestation',
      'verifyAppAttestation',
      'verifyAppAttestAssertion',
      'verifyDeviceAttestation',
      'handshakeAttestationChallenge',
      'createRevocationList',
      'GOOGLE_ATTESTATION_ROOTS',
      'GOOGLE_HARDWARE_ATTESTATION_ROOT_RSA',
      'GOOGLE_KEY_ATTESTATION_CA1',
      'APPLE_APP_ATTESTATION_ROOT',
      'DeviceBindingError',
      'isDeviceBindingError',
    ]) {
      expect(attestation, name).toHaveProperty(name);
    }
  });

  it('exports no internal helpers', () => {
    for (const name of [
      'parseCertificate',
      'verifyChain',
      'parseKeyDescription',
      'decodeCbor',
      'parseX5c',
    ]) {
      expect(attestation, name).not.toHaveProperty(name);
    }
  });

  it('index.ts only re-exports', () => {
    const code = readFileSync(`${srcDir}server/attestation/index.ts`, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '')
      .replace(/\s+/g, ' ')
      .trim();
    for (const statement of code
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean))
      expect(statement).toMatch(/^export (type )?(\{[^}]*\}|\*) from '[^']+'$/);
  });

  it('is the only way in to its X.509 and CBOR dependencies', async () => {
    const own = await moduleGraph('server/attestation/index.ts');
    expect(own.some((file) => file.includes('@peculiar/asn1-android'))).toBe(true);
    expect(own.some((file) => file.includes('/tiny-cbor/'))).toBe(true);
    for (const entry of ['server/index.ts', 'index.ts', 'keystores/ios/index.ts']) {
      const loaded = await moduleGraph(entry);
      for (const pattern of ATTESTATION_ONLY) {
        expect(
          loaded.filter((file) => pattern.test(file)),
          `${entry} loads ${pattern}`,
        ).toEqual([]);
      }
    }
  });
});
