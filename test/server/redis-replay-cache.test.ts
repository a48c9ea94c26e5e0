// createRedisReplayCache's own contract, whatever the client: its arguments, the exact command
// it sends, and how it reads replies and failures of the sender. (Against a real Redis:
// redis-replay-cache.redis.test.ts.)

import { describe, expect, it } from 'vitest';
import { createRedisReplayCache } from '../../src/server/redis-replay-cache.js';
import { rejection, thrown } from '../helpers/rejections.js';

const LATER = Date.now() + 60_000;

function replying(reply: unknown) {
  const sent: string[][] = [];
  const cache = createRedisReplayCache({
    sendCommand: async (...args) => {
      sent.push(args);
      return reply;
    },
  });
  return { cache, sent };
}

describe('createRedisReplayCache sends', () => {
  it('one SET <prefix><id> 1 PXAT <expiresAt, whole milliseconds up> NX per check', async () => {
    const { cache, sent } = replying('OK');
    await cache.checkAndStore('thumbprint:jti', 1_800_000_000_000.2);
    const custom = createRedisReplayCache({
      sendCommand: async (...args) => {
        sent.push(args);
        return 'OK';
      },
      prefix: 'api:',
    });
    await custom.checkAndStore('thumbprint:jti', 1_800_000_000_000);
    expect(sent).toEqual([
      ['SET', 'devicebind:jti:thumbprint:jti', '1', 'PXAT', '1800000000001', 'NX'],
      ['SET', 'api:thumbprint:jti', '1', 'PXAT', '1800000000000', 'NX'],
    ]);
  });
});

describe('createRedisReplayCache reads', () => {
  it.each([
    ['"OK" as new', 'OK', true],
    ['"OK" as bytes as new', new TextEncoder().encode('OK'), true],
    ['null (NX found the key) as a replay', null, false],
  ])('%s', async (_, reply, expected) => {
    expect(await replying(reply).cache.checkAndStore('id', LATER)).toBe(expected);
  });

  it.each([
    ['a number', 1],
    ['another status', 'QUEUED'],
    ['undefined', undefined],
    ['an object', { ok: true }],
  ])('%s as a failure (REPLAY_CHECK_FAILED), never as acceptance', async (_, reply) => {
    const err = await rejection(
      replying(reply).cache.checkAndStore('id', LATER),
      'REPLAY_CHECK_FAILED',
    );
    expect(err.message).toContain('answered');
  });

  it('a sender that throws synchronously as a failure', async () => {
    const cause = new Error('socket closed');
    const cache = createRedisReplayCache({
      sendCommand: () => {
        throw cause;
      },
    });
    const err = await rejection(cache.checkAndStore('id', LATER), 'REPLAY_CHECK_FAILED');
    expect(err.cause).toBe(cause);
  });

  it('a sender that rejects as a failure', async () => {
    const cache = createRedisReplayCache({
      sendCommand: () => Promise.reject(new Error('ECONNREFUSED')),
    });
    const err = await rejection(cache.checkAndStore('id', LATER), 'REPLAY_CHECK_FAILED');
    expect(err.message).toBe(
      'the Redis replay cache failed, so the proof cannot be checked for replay and is refused',
    );
  });

  it('a sender that never answers as a failure once timeoutMs has passed', async () => {
    const cache = createRedisReplayCache({
      sendCommand: () => new Promise(() => {}),
      timeoutMs: 20,
    });
    const err = await rejection(cache.checkAndStore('id', LATER), 'REPLAY_CHECK_FAILED');
    expect(err.message).toContain('did not answer within 20 ms');
  });
});

describe('createRedisReplayCache refuses', () => {
  const sendCommand = async () => 'OK';

  it.each([
    ['no options', undefined, '"options" must be an object'],
    ['no sendCommand', {}, '"options.sendCommand" must be a function'],
    [
      'a client instead of a function',
      { sendCommand: { sendCommand } },
      '"options.sendCommand" must be a function',
    ],
    [
      'an empty prefix',
      { sendCommand, prefix: '' },
      '"options.prefix" must be a string of 1–256 characters',
    ],
    [
      'a zero timeout',
      { sendCommand, timeoutMs: 0 },
      '"options.timeoutMs" must be a number from 1 to 60000',
    ],
    [
      'a timeout as text',
      { sendCommand, timeoutMs: '500' },
      '"options.timeoutMs" must be a number from 1 to 60000',
    ],
  ])('%s, with INVALID_ARGUMENT', (_, options, message) => {
    const err = thrown(() => createRedisReplayCache(options as never), 'INVALID_ARGUMENT');
    expect(err.message).toBe(message);
  });

  it.each([
    ['an empty id', '', LATER],
    ['a non-string id', 42, LATER],
    ['a missing expiry', 'id', undefined],
    ['a NaN expiry', 'id', Number.NaN],
    ['an expiry of 0', 'id', 0],
  ])('%s at check time, with INVALID_ARGUMENT, without sending anything', async (_, id, at) => {
    const { cache, sent } = replying('OK');
    await rejection(cache.checkAndStore(id as never, at as never), 'INVALID_ARGUMENT');
    expect(sent).toEqual([]);
  });
});
