// Checks of the alias namespace: listing, isolation between aliases, and what unknown
// aliases give (null from getKey, KEY_NOT_FOUND from every key operation, deleteKey succeeds).

import { attempt, ensure, expectRejection } from '../expectations.js';
import {
  exerciseKey,
  generate,
  type KeyOperation,
  keyOperationOf,
  operationCall,
  publicKeyOf,
  samePublicKey,
} from '../key-operations.js';
import type { StoreCheck } from './check.js';

/** @internal */
export const listAliases: StoreCheck = {
  id: 'list-aliases',
  scope: 'store',
  description:
    'listAliases returns an array of strings with every generated alias once and no alias never generated; changing the returned array changes nothing in the store.',
  async run(ctx) {
    const first = ctx.anyAlgorithm();
    const second = ctx.algorithms[1] ?? first;
    const a = ctx.alias('list-a');
    const b = ctx.alias('list-b');
    const never = ctx.alias('list-never');
    await generate(ctx, first, a);
    await generate(ctx, second, b);
    const listed = await attempt('listAliases()', () => ctx.store.listAliases());
    ensure(Array.isArray(listed), 'listAliases() must resolve to an array');
    ensure(
      listed.every((x) => typeof x === 'string'),
      'listAliases() must contain strings only',
    );
    ensure(
      listed.filter((x) => x === a).length === 1,
      'listAliases() must list a generated alias exactly once',
    );
    ensure(
      listed.filter((x) => x === b).length === 1,
      'listAliases() must list every generated alias',
    );
    ensure(!listed.includes(never), 'listAliases() lists an alias that was never generated');
    listed.length = 0;
    listed.push(never);
    const again = await attempt('listAliases() again', () => ctx.store.listAliases());
    ensure(
      Array.isArray(again) && again.includes(a) && again.includes(b) && !again.includes(never),
      "changing the array listAliases() returned changed the store's aliases; return a copy",
    );
  },
};

/** @internal */
export const aliasesIsolated: StoreCheck = {
  id: 'aliases-isolated',
  scope: 'store',
  description:
    'Two aliases hold two different keys, and deleting one leaves the other in place and working.',
  async run(ctx) {
    const algorithm = ctx.anyAlgorithm();
    const a = ctx.alias('isolated-a');
    const b = ctx.alias('isolated-b');
    const keyA = await generate(ctx, algorithm, a);
    const keyB = await generate(ctx, algorithm, b);
    ensure(!samePublicKey(keyA.publicKey, keyB.publicKey), 'two aliases returned the same key');
    await attempt('deleteKey()', () => ctx.store.deleteKey(a));
    const found = await attempt('getKey() of the other alias', () => ctx.store.getKey(b));
    ensure(found !== null && typeof found === 'object', 'deleting one alias also removed another');
    ensure(
      samePublicKey(publicKeyOf(found, 'getKey()'), keyB.publicKey),
      'deleting one alias changed the key of another',
    );
    await exerciseKey(ctx, algorithm, b, keyB.publicKey);
    const { what, call } = await operationCall(ctx, keyOperationOf(algorithm), a);
    await expectRejection(`${what} with the deleted alias`, call, ['KEY_NOT_FOUND']);
  },
};

/** @internal */
export const deleteUnknownAliasSucceeds: StoreCheck = {
  id: 'delete-unknown-alias-succeeds',
  scope: 'store',
  description:
    'deleteKey of an alias that holds no key resolves, also when called twice, and creates nothing.',
  async run(ctx) {
    const alias = ctx.alias('delete-unknown');
    await attempt('deleteKey() of an unknown alias', () => ctx.store.deleteKey(alias));
    await attempt('deleteKey() of an unknown alias, again', () => ctx.store.deleteKey(alias));
    const found = await attempt('getKey()', () => ctx.store.getKey(alias));
    ensure(found === null, 'deleteKey() of an unknown alias left a key behind');
  },
};

/** @internal */
export const unknownAliasGetNull: StoreCheck = {
  id: 'unknown-alias-get-null',
  scope: 'store',
  description:
    'getKey of an alias that holds no key resolves to null (not undefined, not an error).',
  async run(ctx) {
    const found = await attempt('getKey() of an unknown alias', () =>
      ctx.store.getKey(ctx.alias('unknown')),
    );
    ensure(
      found === null,
      `getKey() of an unknown alias resolved to ${String(found)}; it must be null`,
    );
  },
};

function unknownAliasOperation(id: string, operation: KeyOperation, method: string): StoreCheck {
  return {
    id,
    scope: 'store',
    description: `${method} with an alias that holds no key rejects with KEY_NOT_FOUND, whatever the store supports.`,
    async run(ctx) {
      const { what, call } = await operationCall(ctx, operation, ctx.alias('unknown'));
      await expectRejection(`${what} with an unknown alias`, call, ['KEY_NOT_FOUND']);
    },
  };
}

/** @internal */
export const unknownAliasSignNotFound = unknownAliasOperation(
  'unknown-alias-sign-not-found',
  'sign',
  'sign',
);
/** @internal */
export const unknownAliasDeriveNotFound = unknownAliasOperation(
  'unknown-alias-derive-not-found',
  'agree',
  'deriveSharedSecret',
);
/** @internal */
export const unknownAliasDecryptNotFound = unknownAliasOperation(
  'unknown-alias-decrypt-not-found',
  'decrypt',
  'decrypt',
);
