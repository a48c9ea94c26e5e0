// The browser bundle budgets, from the installed tarball, minified by esbuild for the browser:
// DeviceBinding + WebCryptoKeyStore (what an app that signs requests ships) within 8 KiB
// gzipped, and with devicebind/envelopes added within its own budget; neither carries jose,
// @noble code or server code. Sizes go to .vitest-tmp/bundle-size.json and the log.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InstalledPackage, installPackedPackage, repoRoot } from './helpers.js';

interface ClientBundle {
  readonly name: string;
  /** Gzipped bytes the bundle may take. */
  readonly budget: number;
  readonly entry: string;
}

const CLIENT_BUNDLES: readonly ClientBundle[] = [
  {
    name: 'DeviceBinding + WebCryptoKeyStore',
    // The budget the README states (`npm test` holds it to 8 KiB).
    budget: 8 * 1024,
    entry: `
import { DeviceBinding } from 'devicebind';
import { WebCryptoKeyStore } from 'devicebind/keystores/webcrypto';
export async function start() {
  const binding = new DeviceBinding({ keyStore: new WebCryptoKeyStore(), namespace: 'com.example.web' });
  return binding.signRequest({ method: 'GET', url: location.href });
}
`,
  },
  {
    name: 'DeviceBinding + WebCryptoKeyStore + createFetch',
    // createFetch follows redirects and tracks nonces itself (a security property), so it is
    // a function of its own entry point: an app that signs through its own HTTP client with
    // signRequest does not ship it. This stops it growing unnoticed.
    budget: 9 * 1024,
    entry: `
import { DeviceBinding } from 'devicebind';
import { createFetch } from 'devicebind/fetch';
import { WebCryptoKeyStore } from 'devicebind/keystores/webcrypto';
const binding = new DeviceBinding({ keyStore: new WebCryptoKeyStore(), namespace: 'com.example.web' });
export const api = createFetch(binding, { accessToken: () => 'token' });
`,
  },
  {
    name: 'DeviceBinding + WebCryptoKeyStore + envelopes',
    // Measured at 13.4 KiB before unseal and openEnvelope(Stream) learnt to open what was sealed
    // for a rotation's other keys (about 0.3 KiB more); this stops it growing unnoticed.
    budget: 14 * 1024,
    entry: `
import { DeviceBinding } from 'devicebind';
import { openEnvelope, openEnvelopeStream, seal, unseal } from 'devicebind/envelopes';
import { WebCryptoKeyStore } from 'devicebind/keystores/webcrypto';
export const binding = new DeviceBinding({ keyStore: new WebCryptoKeyStore(), namespace: 'com.example.web' });
export { openEnvelope, openEnvelopeStream, seal, unseal };
`,
  },
];

const SOURCE_PATHS: Readonly<Record<string, string>> = {
  "'devicebind'": "'./src/index.ts'",
  "'devicebind/envelopes'": "'./src/envelopes.ts'",
  "'devicebind/fetch'": "'./src/fetch.ts'",
  "'devicebind/keystores/webcrypto'": "'./src/keystores/webcrypto/index.ts'",
};

interface BundleResult {
  code: Uint8Array;
  gzipped: number;
  inputs: string[];
  /** Minified bytes each input contributes, largest first. */
  contributions: [string, number][];
}

async function bundle(entry: string, absWorkingDir: string): Promise<BundleResult> {
  const result = await build({
    stdin: {
      contents: entry,
      resolveDir: absWorkingDir,
      loader: 'ts',
      sourcefile: 'client-entry.ts',
    },
    absWorkingDir,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  const metafile = result.metafile as Metafile;
  const output = Object.values(metafile.outputs)[0];
  const contributions = Object.entries(output?.inputs ?? {})
    .map(([input, { bytesInOutput }]): [string, number] => [input, bytesInOutput])
    .sort((a, b) => b[1] - a[1]);
  return {
    code,
    gzipped: gzipSync(code, { level: 9 }).length,
    inputs: Object.keys(metafile.inputs),
    contributions,
  };
}

let installed: InstalledPackage;
const shipped = new Map<string, BundleResult>();
const fromSource = new Map<string, BundleResult>();

beforeAll(async () => {
  installed = installPackedPackage();
  const report: Record<string, unknown> = {};
  for (const { name, budget, entry } of CLIENT_BUNDLES) {
    const built = await bundle(entry, installed.dir);
    // The same entry against the TypeScript sources, so inputs name the exact source files.
    let sourceEntry = entry;
    for (const [specifier, path] of Object.entries(SOURCE_PATHS))
      sourceEntry = sourceEntry.replaceAll(specifier, path);
    const sourceBuilt = await bundle(sourceEntry, repoRoot);
    shipped.set(name, built);
    fromSource.set(name, sourceBuilt);
    report[name] = {
      budgetBytes: budget,
      shipped: {
        minifiedBytes: built.code.length,
        gzippedBytes: built.gzipped,
        inputs: built.inputs,
      },
      fromSource: {
        minifiedBytes: sourceBuilt.code.length,
        gzippedBytes: sourceBuilt.gzipped,
        minifiedBytesPerFile: Object.fromEntries(sourceBuilt.contributions),
      },
    };
    console.log(
      `browser bundle (${name}): ${built.code.length} B minified, ${built.gzipped} B gzipped (budget ${budget} B)`,
    );
  }
  mkdirSync(join(repoRoot, '.vitest-tmp'), { recursive: true });
  writeFileSync(
    join(repoRoot, '.vitest-tmp', 'bundle-size.json'),
    `${JSON.stringify(report, null, 2)}\n`,
  );
});

afterAll(() => installed?.remove());

describe.each(CLIENT_BUNDLES)('browser bundle of $name', ({ name, budget }) => {
  const shippedBundle = () => shipped.get(name) as BundleResult;
  const sourceBundle = () => fromSource.get(name) as BundleResult;

  it(`stays within ${budget} bytes, minified and gzipped`, () => {
    expect(shippedBundle().code.length).toBeGreaterThan(0);
    expect(shippedBundle().gzipped).toBeLessThanOrEqual(budget);
  });

  it('is built from the installed package only', () => {
    const { inputs } = shippedBundle();
    expect(inputs.length).toBeGreaterThan(0);
    const outside = inputs.filter((input) => !input.startsWith('node_modules/devicebind/dist/'));
    expect(outside.filter((input) => input !== 'client-entry.ts')).toEqual([]);
  });

  it('pulls in no jose code', () => {
    for (const { inputs } of [shippedBundle(), sourceBundle()])
      expect(inputs.filter((input) => input.includes('node_modules/jose/'))).toEqual([]);
  });

  it('pulls in no @noble code', () => {
    for (const { inputs } of [shippedBundle(), sourceBundle()])
      expect(inputs.filter((input) => input.includes('node_modules/@noble/'))).toEqual([]);
  });

  it('pulls in no server, memory-store, pure-JS or testing code', () => {
    const forbidden = /^(src\/(server|testing|crypto)\/|src\/keystores\/(memory|android|ios)\/)/;
    expect(sourceBundle().inputs.length).toBeGreaterThan(0);
    expect(sourceBundle().inputs.filter((input) => forbidden.test(input))).toEqual([]);
    const forbiddenDist = /dist\/(server|testing|crypto)\/|dist\/keystores\/(memory|android|ios)\./;
    expect(shippedBundle().inputs.filter((input) => forbiddenDist.test(input))).toEqual([]);
  });
});

describe('browser bundle of DeviceBinding + WebCryptoKeyStore, without envelopes', () => {
  it('carries none of the envelope code', () => {
    const inputs = fromSource.get(CLIENT_BUNDLES[0]!.name)?.inputs ?? [];
    expect(inputs.length).toBeGreaterThan(0);
    expect(inputs.filter((input) => input.startsWith('src/core/envelope/'))).toEqual([]);
  });

  it('while the bundle with envelopes does carry it, so the check above would see it', () => {
    const inputs = fromSource.get('DeviceBinding + WebCryptoKeyStore + envelopes')?.inputs ?? [];
    expect(inputs).toContain('src/core/envelope/binding-envelopes.ts');
  });

  it('carries none of the createFetch code', () => {
    const inputs = fromSource.get(CLIENT_BUNDLES[0]!.name)?.inputs ?? [];
    expect(inputs.length).toBeGreaterThan(0);
    expect(inputs.filter((input) => /src\/core\/bound-fetch\.ts$/.test(input))).toEqual([]);
  });

  it('while the bundle with createFetch does carry it, so the check above would see it', () => {
    const inputs = fromSource.get('DeviceBinding + WebCryptoKeyStore + createFetch')?.inputs ?? [];
    expect(inputs).toContain('src/core/bound-fetch.ts');
  });
});
