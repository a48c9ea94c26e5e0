// The built package under Deno and Bun (and Node, for reference): one script signs in,
// signs and verifies a request, seals and opens an envelope and a stream, and shows the
// attacks failing. A runtime that is not installed is not registered here; scripts/test.mjs
// says so loudly.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findRuntime } from '../../scripts/runtimes.mjs';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const script = 'test/runtimes/smoke/package-smoke.mjs';

const runtimes: { name: string; command: string; args: string[] }[] = [
  { name: 'Node', command: process.execPath, args: [script] },
];
const deno = findRuntime('deno');
// No permissions at all: the package needs no file, network or environment access.
if (deno)
  runtimes.push({ name: 'Deno', command: deno, args: ['run', '--no-prompt', '--no-lock', script] });
const bun = findRuntime('bun');
if (bun) runtimes.push({ name: 'Bun', command: bun, args: [script] });

describe.each(runtimes)('the built package under $name', ({ command, args }) => {
  it('signs, verifies, seals and opens, and refuses each attack with its code', async () => {
    const { stdout } = await run(command, args, {
      cwd: repoRoot,
      timeout: 60_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')).toEqual({
      handshakeDeviceId: true,
      handshakeWrongNonce: 'INVALID_HANDSHAKE',
      requestDeviceId: true,
      requestBodyStillUnread: true,
      requestReplayed: 'REPLAYED',
      requestTamperedBody: 'INVALID_PROOF',
      requestOtherDevice: 'INVALID_PROOF',
      envelopeOpened: 'for this device',
      envelopeOtherDevice: 'INVALID_ENVELOPE',
      streamOpened: true,
      unsealed: 'at rest',
      unsealWrongContext: 'INVALID_ENVELOPE',
    });
  });
});
