// Tests what ships: packs the package, installs the tarball into a temporary project, and
// loads every subpath from ESM (`import`) and from CommonJS (`require`) in child processes.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InstalledPackage, installPackedPackage, runCommand } from './helpers.js';
import { PUBLIC_ENTRIES } from './public-entries.js';

// For each specifier: export name → `typeof` the export, or `{ error }` when loading failed.
type ExportsBySpecifier = Record<string, Record<string, string>>;

let installed: InstalledPackage;
let esmExports: ExportsBySpecifier;
let cjsExports: ExportsBySpecifier;

const specifiers = JSON.stringify(PUBLIC_ENTRIES.map((entry) => entry.specifier));

// For each subpath: the type of each export, or the error loading it.
const ESM_PROBE = `
const out = {};
for (const specifier of ${specifiers}) {
  try {
    const module = await import(specifier);
    out[specifier] = Object.fromEntries(Object.entries(module).map(([k, v]) => [k, typeof v]));
  } catch (err) {
    out[specifier] = { error: String(err && err.stack || err) };
  }
}
console.log(JSON.stringify(out));
`;
const CJS_PROBE = `
const out = {};
for (const specifier of ${specifiers}) {
  try {
    const module = require(specifier);
    out[specifier] = Object.fromEntries(Object.entries(module).map(([k, v]) => [k, typeof v]));
  } catch (err) {
    out[specifier] = { error: String(err && err.stack || err) };
  }
}
console.log(JSON.stringify(out));
`;

// A handshake made with the installed client and verified with the installed server.
const HANDSHAKE_BODY = `
const binding = new DeviceBinding({ keyStore: new MemoryKeyStore(), namespace: 'com.example.packcheck' });
const nonce = 'nonce-' + Math.random().toString(36).slice(2);
const handshake = await binding.createHandshake({ nonce });
const verified = await verifyHandshake(handshake.token, { expectedNonce: nonce });
const headers = await binding.signRequest({ method: 'POST', url: 'https://api.example.com/items?x=1', body: 'hello' });
const request = await verifyRequest(
  { method: 'POST', url: 'https://api.example.com/items?x=1', headers, body: 'hello' },
  { signingKey: verified.signingKey, replayCache: new MemoryReplayCache() },
);
console.log(JSON.stringify({ deviceId: await binding.getDeviceId(), verified: verified.deviceId, request: request.deviceId }));
`;
const ESM_ROUND_TRIP = `
import { DeviceBinding } from 'devicebind';
import { MemoryKeyStore } from 'devicebind/keystores/memory';
import { MemoryReplayCache, verifyHandshake, verifyRequest } from 'devicebind/server';
${HANDSHAKE_BODY}
`;
const CJS_ROUND_TRIP = `
const { DeviceBinding } = require('devicebind');
const { MemoryKeyStore } = require('devicebind/keystores/memory');
const { MemoryReplayCache, verifyHandshake, verifyRequest } = require('devicebind/server');
(async () => {
${HANDSHAKE_BODY}
})().catch((err) => { console.error(err); process.exit(1); });
`;

// A binding made by the CommonJS build, used with the ESM build's envelope functions (and the
// other way round): both builds end up in one process when an app mixes import and require.
const MIXED_BUILDS = `
import { createRequire } from 'node:module';
import * as esmClient from 'devicebind';
import * as esmEnvelopes from 'devicebind/envelopes';
import { MemoryKeyStore } from 'devicebind/keystores/memory';
import { sealEnvelope } from 'devicebind/server';
const require = createRequire(import.meta.url);
const cjsClient = require('devicebind');
const cjsEnvelopes = require('devicebind/envelopes');
const results = [];
for (const [client, envelopes] of [[cjsClient, esmEnvelopes], [esmClient, cjsEnvelopes]]) {
  const binding = new client.DeviceBinding({ keyStore: new MemoryKeyStore(), namespace: 'com.example.mixed' });
  const { encryptionKey } = await binding.createHandshake({ nonce: 'n' });
  const opened = await envelopes.openEnvelope(binding, await sealEnvelope('for this device', encryptionKey));
  const sealed = await envelopes.seal(binding, new TextEncoder().encode('at rest'));
  results.push(new TextDecoder().decode(opened), new TextDecoder().decode(await envelopes.unseal(binding, sealed)));
}
console.log(JSON.stringify(results));
`;

function runNode(
  file: string,
  source: string,
): { stdout: string; stderr: string; status: number | null } {
  writeFileSync(join(installed.dir, file), source);
  return runCommand(process.execPath, [file], { cwd: installed.dir, timeoutMs: 60_000 });
}

function probe(file: string, source: string): ExportsBySpecifier {
  const result = runNode(file, source);
  if (result.status !== 0) throw new Error(`${file} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as ExportsBySpecifier;
}

beforeAll(() => {
  installed = installPackedPackage();
  esmExports = probe('probe.mjs', ESM_PROBE);
  cjsExports = probe('probe.cjs', CJS_PROBE);
});

afterAll(() => installed?.remove());

describe.each([
  ['ESM import', () => esmExports],
  ['CommonJS require', () => cjsExports],
] as const)('installed tarball, %s', (_label, exportsOf) => {
  it.each(PUBLIC_ENTRIES)('loads $specifier with the names the design fixes', (entry) => {
    const found = exportsOf()[entry.specifier];
    expect(found, `${entry.specifier} was not probed`).toBeDefined();
    expect(found?.error, `${entry.specifier} failed to load`).toBeUndefined();
    for (const [name, type] of Object.entries(entry.names)) {
      expect(found?.[name], `${entry.specifier} exports ${name}`).toBe(type);
    }
  });
});

describe('installed tarball, ESM and CommonJS agree', () => {
  it.each(PUBLIC_ENTRIES)('exports the same names from $specifier in both formats', (entry) => {
    const esm = Object.keys(esmExports[entry.specifier] ?? {}).sort();
    const cjs = Object.keys(cjsExports[entry.specifier] ?? {}).sort();
    expect(cjs).toEqual(esm);
  });
});

describe('installed tarball works end to end', () => {
  it.each([
    ['ESM', 'round-trip.mjs', ESM_ROUND_TRIP],
    ['CommonJS', 'round-trip.cjs', CJS_ROUND_TRIP],
  ])(
    '%s: a handshake and a signed request verify with the installed server module',
    (_label, file, source) => {
      const result = runNode(file, source);
      expect(result.status, result.stderr).toBe(0);
      const outcome = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as Record<
        string,
        string
      >;
      expect(outcome.deviceId).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(outcome.verified).toBe(outcome.deviceId);
      expect(outcome.request).toBe(outcome.deviceId);
    },
  );
});

describe('installed tarball, ESM and CommonJS builds together', () => {
  it('opens and seals with a binding made by the other build', () => {
    const result = runNode('mixed-builds.mjs', MIXED_BUILDS);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '[]')).toEqual([
      'for this device',
      'at rest',
      'for this device',
      'at rest',
    ]);
  });
});
