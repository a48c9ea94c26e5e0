// Checks of bad input: malformed aliases and key specs give INVALID_ARGUMENT, and whatever
// a caller throws at the store, every failure is a DeviceBindingError (never a raw TypeError,
// never a synchronous throw).

import type { DeviceBindingErrorCode } from '../../../core/errors.js';
import type { PublicJwk } from '../../../core/jwk.js';
import type { KeySpec, KeyStore } from '../../../keystores/contract.js';
import type { CheckContext } from '../context.js';
import { attempt, ConformanceFailure, ensure, expectRejection } from '../expectations.js';
import { createEcdhPeer } from '../independent-crypto.js';
import { generate, keyOperationOf, specFor } from '../key-operations.js';
import type { StoreCheck } from './check.js';

const BAD_ALIASES: readonly [string, unknown][] = [
  ['an empty string', ''],
  ['a string with a space', 'has space'],
  ['a string with a slash', 'a/b'],
  ['a string with a NUL character', 'a\u0000b'],
  ['a string with a line break', 'a\nb'],
  ['a string of 201 characters', 'a'.repeat(201)],
  ['a number', 42],
  ['null', null],
  ['undefined', undefined],
  ['an object', { alias: 'x' }],
];

/** @internal */
export const invalidAliasRejected: StoreCheck = {
  id: 'invalid-alias-rejected',
  scope: 'store',
  description:
    'Every method given a malformed alias (empty, whitespace, "/", control characters, over 200 characters, not a string) rejects with INVALID_ARGUMENT.',
  async run(ctx) {
    const spec = specFor(ctx.algorithms[0] ?? 'ES256');
    const peer = await createEcdhPeer(ctx.subtle);
    const data = ctx.random(32);
    const ciphertext = ctx.random(256);
    const s = ctx.store;
    for (const [label, bad] of BAD_ALIASES) {
      const alias = bad as string;
      const calls: [string, () => Promise<unknown>][] = [
        ['generateKey', () => s.generateKey(alias, spec)],
        ['getKey', () => s.getKey(alias)],
        ['sign', () => s.sign(alias, data)],
        ['deriveSharedSecret', () => s.deriveSharedSecret(alias, peer.publicKey)],
        ['decrypt', () => s.decrypt(alias, ciphertext)],
        ['deleteKey', () => s.deleteKey(alias)],
      ];
      for (const [method, call] of calls) {
        await expectRejection(`${method}() with alias = ${label}`, call, ['INVALID_ARGUMENT']);
      }
    }
  },
};

/** @internal */
export const invalidSpecRejected: StoreCheck = {
  id: 'invalid-spec-rejected',
  scope: 'store',
  description:
    'generateKey with a spec that is not an object, or has no valid purpose, rejects with INVALID_ARGUMENT and leaves no key.',
  async run(ctx) {
    const algorithm = ctx.algorithms[0] ?? 'ES256';
    const invalid: DeviceBindingErrorCode[] = ['INVALID_ARGUMENT'];
    const cases: [string, unknown, DeviceBindingErrorCode[]][] = [
      ['undefined', undefined, invalid],
      ['null', null, invalid],
      ['a string', algorithm, invalid],
      ['a number', 1, invalid],
      ['an empty object', {}, invalid],
      ['purpose "verify"', { purpose: 'verify', algorithm }, invalid],
      ['a numeric purpose', { purpose: 1, algorithm }, invalid],
      [
        'no algorithm',
        { purpose: specFor(algorithm).purpose },
        ['INVALID_ARGUMENT', 'UNSUPPORTED_ALGORITHM'],
      ],
    ];
    for (const [label, spec, codes] of cases) {
      const alias = ctx.alias('bad-spec');
      await expectRejection(
        `generateKey() with spec = ${label}`,
        () => ctx.store.generateKey(alias, spec as KeySpec),
        codes,
      );
      const left = await attempt('getKey() after a refused generateKey', () =>
        ctx.store.getKey(alias),
      );
      ensure(
        left === null,
        `generateKey() with spec = ${label} was refused but left a key under the alias`,
      );
    }
  },
};

/** One key per kind of operation the store is exercised for, to misuse. */
async function keysForMisuse(ctx: CheckContext) {
  const keys: { sign?: string; agree?: string; decrypt?: string } = {};
  for (const algorithm of ctx.algorithms) {
    const operation = keyOperationOf(algorithm);
    if (keys[operation] !== undefined) continue;
    const alias = ctx.alias(`misuse-${operation}`);
    await generate(ctx, algorithm, alias);
    keys[operation] = alias;
  }
  return keys;
}

function misuseCalls(
  s: KeyStore,
  keys: { sign?: string; agree?: string; decrypt?: string },
  unknown: string,
  peer: PublicJwk,
  bytes: Uint8Array,
): [string, () => Promise<unknown>][] {
  const symbol = Symbol('alias') as unknown as string;
  const loose = <T>(value: unknown) => value as T;
  const calls: [string, () => Promise<unknown>][] = [
    [
      'generateKey() with no arguments',
      () => loose<() => Promise<unknown>>(s.generateKey.bind(s))(),
    ],
    [
      'generateKey() with a symbol alias',
      () => s.generateKey(symbol, { purpose: 'sign', algorithm: 'ES256' }),
    ],
    [
      'generateKey() with an object algorithm',
      () => s.generateKey(unknown, loose({ purpose: 'sign', algorithm: {} })),
    ],
    ['getKey() with no arguments', () => loose<() => Promise<unknown>>(s.getKey.bind(s))()],
    ['getKey() with a symbol alias', () => s.getKey(symbol)],
    ['sign() with no arguments', () => loose<() => Promise<unknown>>(s.sign.bind(s))()],
    ['sign() with an unknown alias', () => s.sign(unknown, bytes)],
    ['deriveSharedSecret() with an unknown alias', () => s.deriveSharedSecret(unknown, peer)],
    ['deriveSharedSecret() with a symbol alias', () => s.deriveSharedSecret(symbol, peer)],
    ['decrypt() with an unknown alias', () => s.decrypt(unknown, bytes)],
    ['decrypt() with no arguments', () => loose<() => Promise<unknown>>(s.decrypt.bind(s))()],
    ['deleteKey() with a symbol alias', () => s.deleteKey(symbol)],
    ['deleteKey() with no arguments', () => loose<() => Promise<unknown>>(s.deleteKey.bind(s))()],
  ];
  const { sign, agree, decrypt } = keys;
  if (sign !== undefined) {
    calls.push(
      ['sign() with undefined data', () => s.sign(sign, loose(undefined))],
      ['sign() with a symbol as data', () => s.sign(sign, loose(Symbol('data')))],
      ['deriveSharedSecret() with a signing key', () => s.deriveSharedSecret(sign, peer)],
      ['decrypt() with a signing key', () => s.decrypt(sign, bytes)],
    );
  }
  if (agree !== undefined) {
    calls.push(
      [
        'deriveSharedSecret() with numeric coordinates',
        () => s.deriveSharedSecret(agree, loose({ kty: 'EC', crv: 'P-256', x: 5, y: null })),
      ],
      [
        'deriveSharedSecret() with an array as the peer key',
        () => s.deriveSharedSecret(agree, loose([peer])),
      ],
      ['sign() with an ECDH key', () => s.sign(agree, bytes)],
      ['decrypt() with an ECDH key', () => s.decrypt(agree, bytes)],
    );
  }
  if (decrypt !== undefined) {
    calls.push(
      ['decrypt() with a string ciphertext', () => s.decrypt(decrypt, loose('ciphertext'))],
      ['decrypt() with random bytes', () => s.decrypt(decrypt, bytes)],
      ['sign() with an RSA key', () => s.sign(decrypt, bytes)],
      ['deriveSharedSecret() with an RSA key', () => s.deriveSharedSecret(decrypt, peer)],
    );
  }
  return calls;
}

/** @internal */
export const errorsAreDeviceBindingErrors: StoreCheck = {
  id: 'errors-are-device-binding-errors',
  scope: 'store',
  description:
    'Every failure, whatever the input (missing arguments, symbols, wrong types, unknown aliases, misused keys), is a rejected promise with a DeviceBindingError carrying a known code: never a raw Error or TypeError, never a synchronous throw.',
  async run(ctx) {
    const keys = await keysForMisuse(ctx);
    const peer = await createEcdhPeer(ctx.subtle);
    const calls = misuseCalls(
      ctx.store,
      keys,
      ctx.alias('never-generated'),
      peer.publicKey,
      ctx.random(256),
    );
    const problems: string[] = [];
    let firstCause: unknown;
    for (const [what, call] of calls) {
      try {
        await expectRejection(what, call, []);
      } catch (err) {
        if (!(err instanceof ConformanceFailure)) throw err;
        problems.push(err.message);
        firstCause ??= err.cause;
      }
    }
    if (problems.length > 0) {
      throw new ConformanceFailure(
        `${problems.length} of ${calls.length} bad calls did not reject with a DeviceBindingError: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; …' : ''}`,
        firstCause,
      );
    }
  },
};
