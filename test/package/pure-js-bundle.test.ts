// The React Native set-up as docs/getting-started.md writes it, bundled from the installed
// tarball by esbuild (which honours "sideEffects" as Metro's and webpack's tree shaking
// does): the bare `import 'devicebind/crypto/pure-js'` is kept, and its stand-ins for
// TextEncoder, atob/btoa and URL arrive in a realm that has none of them.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyEmbeddedJws } from '../helpers/verify-jws.js';
import { type InstalledPackage, installPackedPackage, repoRoot } from './helpers.js';

const GUIDE = readFileSync(join(repoRoot, 'docs', 'getting-started.md'), 'utf8');
const BARE_IMPORT = "import 'devicebind/crypto/pure-js';";

// The app: it never names anything from devicebind/crypto/pure-js, so only the bare import
// can bring the stand-ins. Digests come from @noble/hashes, so no crypto.subtle is needed.
const APP = `
import { DeviceBinding } from 'devicebind';
import { MemoryKeyStore } from 'devicebind/keystores/memory';
import { sha256 } from '@noble/hashes/sha2.js';

const digests = {
  name: 'noble-digests',
  randomBytes: (length) => crypto.getRandomValues(new Uint8Array(length)),
  sha256: async (data) => sha256(data),
};

export async function signedRequest() {
  const binding = new DeviceBinding({ keyStore: new MemoryKeyStore(), namespace: 'com.example.rn', crypto: digests });
  await binding.ensureKeys();
  return binding.signRequest({ method: 'POST', url: 'https://api.example.com/notes?draft=1', body: 'héllo' });
}
`;

interface Bundled {
  code: string;
  warnings: string[];
}

async function bundle(dir: string): Promise<Bundled> {
  const result = await build({
    stdin: { contents: `${BARE_IMPORT}\n${APP}`, resolveDir: dir, loader: 'js' },
    absWorkingDir: dir,
    bundle: true,
    format: 'iife',
    globalName: 'app',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return {
    code: result.outputFiles[0]?.text ?? '',
    warnings: result.warnings.map((warning) => warning.text),
  };
}

/** Runs the bundle in a realm with getRandomValues and none of the stand-ins' originals. */
async function runInBareRealm(code: string): Promise<Record<string, string>> {
  const realm = createContext({
    crypto: { getRandomValues: (array: Uint8Array) => globalThis.crypto.getRandomValues(array) },
  });
  for (const name of ['TextEncoder', 'TextDecoder', 'atob', 'btoa', 'URL'])
    expect(runInContext(`typeof ${name}`, realm), name).toBe('undefined');
  runInContext(code, realm);
  const app = realm.app as { signedRequest(): Promise<Record<string, string>> };
  // Copied out of the realm as plain strings.
  return JSON.parse(JSON.stringify(await app.signedRequest()));
}

let installed: InstalledPackage;
let kept: Bundled;
let dropped: Bundled;

beforeAll(async () => {
  installed = installPackedPackage();
  kept = await bundle(installed.dir);
  // The same app against a copy of the package that declares no side effects at all, as
  // 0.1.0 did: what the bare import meets without the "sideEffects" entry.
  const manifest = join(installed.dir, 'node_modules', 'devicebind', 'package.json');
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
  writeFileSync(manifest, JSON.stringify({ ...pkg, sideEffects: false }));
  dropped = await bundle(installed.dir);
}, 180_000);

afterAll(() => installed?.remove());

describe('React Native set-up: the bare import of devicebind/crypto/pure-js', () => {
  it('is written in the guide exactly as this test bundles it', () => {
    expect(GUIDE.split('\n')).toContain(BARE_IMPORT);
  });

  it('is kept by the bundler, with no "no side effects" warning', () => {
    expect(kept.warnings.filter((text) => text.includes('Ignoring this import'))).toEqual([]);
    expect(kept.code).toContain('devicebind.runtimeFallbacks');
  });

  it('brings the UTF-8, base64 and URL stand-ins to a realm that lacks them', async () => {
    const headers = await runInBareRealm(kept.code);
    const { payload } = verifyEmbeddedJws(headers.DPoP!);
    expect(payload).toMatchObject({ htm: 'POST', htu: 'https://api.example.com/notes' });
    // sha-256 of the UTF-8 of "héllo", as the stand-in encoded it.
    expect(headers['Content-Digest']).toBe(
      'sha-256=:PEhZHY0JikU49eAT389AbpSOrE0yd7EL9hTildYGgXk=:',
    );
  });

  it('would be dropped under "sideEffects": false, leaving the app without stand-ins', async () => {
    expect(dropped.warnings.some((text) => text.includes('Ignoring this import'))).toBe(true);
    await expect(runInBareRealm(dropped.code)).rejects.toMatchObject({
      code: 'CRYPTO_UNAVAILABLE',
    });
  });
});
