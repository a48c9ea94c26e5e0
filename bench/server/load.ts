// `npm run bench:server`: a load run against two instances of the Express example sharing
// one local Redis, from a bounded loopback client (127.0.0.1 only) that spreads requests
// over both. Each protected request carries a fresh proof (signed before the timed part, so
// the client's signing does not compete with the servers for the CPU); some are replays of
// proofs already accepted, sent to the other instance. Prints requests/s and p50/p99 latency
// for the DPoP-verified endpoint and the same endpoint unprotected, plus accepted replays
// and 5xx answers (both must be 0). The servers run the built package (dist/).
//
//   BENCH_REQUESTS=20000 BENCH_CONCURRENCY=16 npm run bench:server
//
// The two endpoints are measured in alternating rounds on the same servers and connections.

import { Agent, request } from 'node:http';
import { DeviceBinding } from '../../src/core/device-binding.js';
import { WebCryptoKeyStore } from '../../src/keystores/webcrypto/index.js';
import { exampleConfig, startExpressInstance } from '../../test/helpers/express-instances.mjs';
import { startRedisServer } from '../../test/helpers/redis-server.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DEVICES = 8;
/** One request in this many is a replay of an accepted proof, sent to the other instance. */
const REPLAY_EVERY = 50;
/** Requests sent to each endpoint before it is measured (JIT, connections, Redis). */
const WARMUP = 500;
/** The two endpoints are measured in this many alternating rounds. */
const ROUNDS = 4;
const PUBLIC_ORIGIN = 'https://api.example.test';

interface Job {
  instance: number;
  path: string;
  headers: Record<string, string>;
  replay: boolean;
}

interface Outcome {
  latencies: number[];
  statuses: Map<number, number>;
  acceptedReplays: number;
  seconds: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function send(origin: string, job: Job): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}${job.path}`, { agent, headers: job.headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

function emptyOutcome(): Outcome {
  return { latencies: [], statuses: new Map(), acceptedReplays: 0, seconds: 0 };
}

/** Adds one round's outcome to the total. */
function merge(total: Outcome, round: Outcome): void {
  total.latencies.push(...round.latencies);
  for (const [status, count] of round.statuses)
    total.statuses.set(status, (total.statuses.get(status) ?? 0) + count);
  total.acceptedReplays += round.acceptedReplays;
  total.seconds += round.seconds;
}

/** Sends every job, at most CONCURRENCY at a time, and records each answer's latency. */
async function drive(origins: string[], jobs: Job[]): Promise<Outcome> {
  const outcome = emptyOutcome();
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++] as Job;
      const sent = performance.now();
      const status = await send(origins[job.instance] as string, job);
      outcome.latencies.push(performance.now() - sent);
      outcome.statuses.set(status, (outcome.statuses.get(status) ?? 0) + 1);
      if (job.replay && status < 300) outcome.acceptedReplays += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  outcome.seconds = (performance.now() - started) / 1000;
  return outcome;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function row(label: string, outcome: Outcome): string {
  const sorted = [...outcome.latencies].sort((a, b) => a - b);
  const fivexx = [...outcome.statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
  const rate = outcome.latencies.length / outcome.seconds;
  return `| ${label} | ${outcome.latencies.length} | ${rate.toFixed(0)} | ${percentile(sorted, 50).toFixed(2)} | ${percentile(sorted, 99).toFixed(2)} | ${outcome.acceptedReplays} | ${fivexx} |`;
}

async function signIn(origin: string, binding: DeviceBinding): Promise<string> {
  const { nonce } = (await (await fetch(`${origin}/auth/challenge`)).json()) as { nonce: string };
  const { token } = await binding.createHandshake({ nonce, subject: 'alice' });
  const response = await fetch(`${origin}/auth/sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      username: 'alice',
      password: 'correct horse battery staple',
      handshake: token,
    }),
  });
  if (response.status !== 200) throw new Error(`sign-in failed: ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

const redis = await startRedisServer();
const config = await exampleConfig({ publicOrigin: PUBLIC_ORIGIN, redisUrl: redis.url });
const instances = await Promise.all([startExpressInstance(config), startExpressInstance(config)]);
const origins = instances.map((instance) => instance.origin);
try {
  const devices = await Promise.all(
    Array.from({ length: DEVICES }, async (_, i) => {
      const binding = new DeviceBinding({
        keyStore: new WebCryptoKeyStore({ storage: 'memory' }),
        namespace: 'bench',
      });
      return { binding, accessToken: await signIn(origins[i % 2] as string, binding) };
    }),
  );
  // A current server nonce: every instance issues and accepts the same one (shared secret).
  const { nonce } = (await (await fetch(`${origins[0]}/auth/challenge`)).json()) as {
    nonce: string;
  };

  const total = WARMUP + REQUESTS;
  console.log(`Signing ${total} proofs for ${DEVICES} devices before the timed part…`);
  const protectedJobs: Job[] = [];
  for (let i = 0; i < total; i++) {
    const earlier = protectedJobs[i - REPLAY_EVERY * 2];
    if (i % REPLAY_EVERY === REPLAY_EVERY - 1 && earlier && !earlier.replay) {
      protectedJobs.push({ ...earlier, instance: 1 - earlier.instance, replay: true });
      continue;
    }
    const { binding, accessToken } = devices[i % DEVICES] as (typeof devices)[number];
    const proof = await binding.signRequest({
      method: 'GET',
      url: `${PUBLIC_ORIGIN}/api/hello`,
      accessToken,
      nonce,
    });
    protectedJobs.push({
      instance: i % 2,
      path: '/api/hello',
      headers: { DPoP: proof.DPoP, Authorization: `DPoP ${accessToken}` },
      replay: false,
    });
  }
  const openJobs: Job[] = protectedJobs.map((_, i) => ({
    instance: i % 2,
    path: '/hello',
    headers: {},
    replay: false,
  }));

  // Warm both paths, then measure them in alternating rounds, so that neither gets the
  // quieter moments of a shared machine.
  await drive(origins, openJobs.slice(0, WARMUP));
  await drive(origins, protectedJobs.slice(0, WARMUP));
  const measured = protectedJobs.slice(WARMUP);
  const open = emptyOutcome();
  const dpop = emptyOutcome();
  const perRound = Math.ceil(REQUESTS / ROUNDS);
  for (let from = WARMUP; from < total; from += perRound) {
    merge(open, await drive(origins, openJobs.slice(from, from + perRound)));
    merge(dpop, await drive(origins, protectedJobs.slice(from, from + perRound)));
  }

  const refused = [...dpop.statuses].filter(([s]) => s !== 200);
  console.log(
    `\nTwo instances of examples/node-express sharing one Redis, ${CONCURRENCY} requests in flight over 127.0.0.1, Node ${process.version}:\n`,
  );
  console.log('| endpoint | requests | requests/s | p50 ms | p99 ms | replays accepted | 5xx |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  console.log(row('`GET /hello`, unprotected', open));
  console.log(row('`GET /api/hello`, DPoP proof + Redis replay cache', dpop));
  console.log(
    `\nProtected answers other than 200: ${refused.map(([s, c]) => `${c} × ${s}`).join(', ') || 'none'} (the ${measured.filter((j) => j.replay).length} replays must all be refused with 401).`,
  );
  const replays = measured.filter((job) => job.replay).length;
  const refusedReplays = dpop.statuses.get(401) ?? 0;
  if (dpop.acceptedReplays > 0 || refusedReplays !== replays || refused.some(([s]) => s >= 500)) {
    console.log('UNEXPECTED: a replay was accepted, an honest request refused, or a 5xx answered');
    process.exitCode = 1;
  }
} finally {
  agent.destroy();
  await Promise.all(instances.map((instance) => instance.stop()));
  await redis.stop();
}
