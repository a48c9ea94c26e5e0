// Checks of one key's life under its alias: what generateKey returns, getKey, generating
// again, concurrent generation, deletion and generating anew after it.

import {
  type EncryptionAlgorithm,
  keyManagementAlgorithm,
  SIGNING_ALGORITHMS,
} from '../../../core/algorithms.js';
import { thumbprintInput } from '../../../core/jwk.js';
import type { KeyAlgorithm, KeyInfo, SecurityLevel } from '../../../keystores/contract.js';
import {
  attempt,
  ConformanceFailure,
  describeThrown,
  ensure,
  expectRejection,
} from '../expectations.js';
import {
  checkKeyInfoShape,
  exerciseKey,
  generate,
  isSigningAlgorithm,
  keyOperationOf,
  operationCall,
  publicKeyOf,
  samePublicKey,
  specFor,
} from '../key-operations.js';
import type { AlgorithmCheck } from './check.js';

const SECURITY_LEVELS: readonly SecurityLevel[] = [
  'software',
  'tee',
  'strongbox',
  'secure-enclave',
  'unknown',
];
const HARDWARE_LEVELS: readonly SecurityLevel[] = ['tee', 'strongbox', 'secure-enclave'];
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

function expectedKeyType(algorithm: KeyAlgorithm): { kty: string; crv?: string } {
  if (isSigningAlgorithm(algorithm)) {
    const { kty, crv } = SIGNING_ALGORITHMS[algorithm];
    return { kty, crv };
  }
  return keyOperationOf(algorithm) === 'agree' ? { kty: 'EC', crv: 'P-256' } : { kty: 'RSA' };
}

async function countListed(ctx: { store: { listAliases(): Promise<string[]> } }, alias: string) {
  const aliases = await attempt('listAliases()', () => ctx.store.listAliases());
  ensure(Array.isArray(aliases), 'listAliases() must resolve to an array');
  return aliases.filter((a) => a === alias).length;
}

/** @internal Private JWK members found on `jwk`, own, inherited or produced by toJSON. */
function privateMembersOf(jwk: unknown): string[] {
  if (typeof jwk !== 'object' || jwk === null) return [];
  const serialized: unknown = JSON.parse(JSON.stringify(jwk) ?? 'null');
  return PRIVATE_MEMBERS.filter(
    (name) =>
      name in jwk ||
      (typeof serialized === 'object' && serialized !== null && Object.hasOwn(serialized, name)),
  );
}

/** @internal */
export const generateKeyInfo: AlgorithmCheck = {
  id: 'generate-key-info',
  scope: 'every-algorithm',
  description:
    "generateKey returns a KeyInfo for the alias with the spec's purpose and algorithm, a well-formed public JWK of the right type (encryption keys carry the JWE alg they open), and a consistent security level.",
  async run(ctx, algorithm) {
    const alias = ctx.alias('info');
    const { info, publicKey } = await generate(ctx, algorithm, alias);
    const spec = specFor(algorithm);
    ensure(
      info.purpose === spec.purpose,
      `KeyInfo.purpose is ${String(info.purpose)}; expected ${spec.purpose}`,
    );
    ensure(
      info.algorithm === algorithm,
      `KeyInfo.algorithm is ${String(info.algorithm)}; expected ${algorithm}`,
    );
    const type = expectedKeyType(algorithm);
    const crv = 'crv' in publicKey ? publicKey.crv : undefined;
    ensure(
      publicKey.kty === type.kty && crv === type.crv,
      `a ${algorithm} key's public JWK must have kty ${type.kty}${type.crv ? ` and crv ${type.crv}` : ''}`,
    );
    if (isSigningAlgorithm(algorithm)) {
      ensure(
        publicKey.alg === undefined || publicKey.alg === algorithm,
        `the public JWK says alg ${String(publicKey.alg)}; a ${algorithm} key may only say ${algorithm}`,
      );
      ensure(
        publicKey.use === undefined || publicKey.use === 'sig',
        'a signing key\'s JWK "use" must be "sig"',
      );
    } else {
      ensure(
        typeof publicKey.alg === 'string',
        `an encryption key's public JWK must carry the JWE alg it can open (${algorithm} key)`,
      );
      let opens: EncryptionAlgorithm | undefined;
      try {
        opens = keyManagementAlgorithm(publicKey.alg).keyAlgorithm;
      } catch (err) {
        throw new ConformanceFailure(
          `the public JWK's alg is refused: ${describeThrown(err)}`,
          err,
        );
      }
      ensure(
        opens === algorithm,
        `the public JWK says alg ${publicKey.alg}, which a ${algorithm} key cannot open`,
      );
      ensure(
        publicKey.use === undefined || publicKey.use === 'enc',
        'an encryption key\'s JWK "use" must be "enc"',
      );
    }
    ensure(typeof info.hardwareBacked === 'boolean', 'KeyInfo.hardwareBacked must be a boolean');
    ensure(
      SECURITY_LEVELS.includes(info.securityLevel),
      `KeyInfo.securityLevel ${JSON.stringify(info.securityLevel)} is not one of ${SECURITY_LEVELS.join(', ')}`,
    );
    if (info.securityLevel === 'software') {
      ensure(
        !info.hardwareBacked,
        'KeyInfo says securityLevel "software" but hardwareBacked: true',
      );
    }
    if (HARDWARE_LEVELS.includes(info.securityLevel)) {
      ensure(
        info.hardwareBacked,
        `KeyInfo says securityLevel "${info.securityLevel}" but hardwareBacked: false`,
      );
    }
    if (ctx.declared !== undefined && !ctx.declared.hardwareBacked) {
      ensure(
        !info.hardwareBacked,
        'KeyInfo says hardwareBacked: true, but the store declares no secure hardware',
      );
    }
    ensure(
      info.createdAt === undefined ||
        (typeof info.createdAt === 'number' && Number.isFinite(info.createdAt)),
      'KeyInfo.createdAt must be milliseconds since the epoch when present',
    );
  },
};

/** @internal */
export const publicJwkNoPrivateMembers: AlgorithmCheck = {
  id: 'public-jwk-no-private-members',
  scope: 'every-algorithm',
  description:
    'No public JWK the store returns (generateKey, getKey, generateKey again) carries a private member: d, p, q, dp, dq, qi, oth or k.',
  async run(ctx, algorithm) {
    const alias = ctx.alias('private');
    const spec = specFor(algorithm);
    const answers: [string, unknown][] = [];
    answers.push([
      'generateKey()',
      await attempt('generateKey()', () => ctx.store.generateKey(alias, spec)),
    ]);
    answers.push(['getKey()', await attempt('getKey()', () => ctx.store.getKey(alias))]);
    answers.push([
      'generateKey() on the existing alias',
      await attempt('generateKey() again', () => ctx.store.generateKey(alias, spec)),
    ]);
    for (const [what, info] of answers) {
      ensure(typeof info === 'object' && info !== null, `${what} returned no KeyInfo`);
      const leaked = privateMembersOf((info as KeyInfo).publicKey);
      ensure(
        leaked.length === 0,
        `the public JWK from ${what} carries private member(s) ${leaked.join(', ')}; it must hold the public part only`,
      );
    }
  },
};

/** @internal */
export const getKeyReturnsGenerated: AlgorithmCheck = {
  id: 'get-key-returns-generated',
  scope: 'every-algorithm',
  description: 'getKey returns the generated key: same alias, purpose, algorithm and public key.',
  async run(ctx, algorithm) {
    const alias = ctx.alias('get');
    const { info, publicKey } = await generate(ctx, algorithm, alias);
    const found = await attempt('getKey()', () => ctx.store.getKey(alias));
    ensure(
      found !== null && found !== undefined,
      'getKey() returned nothing for a key just generated',
    );
    const got = checkKeyInfoShape(found, alias, 'getKey()');
    ensure(got.purpose === info.purpose, 'getKey() returned another purpose than generateKey()');
    ensure(
      got.algorithm === info.algorithm,
      'getKey() returned another algorithm than generateKey()',
    );
    ensure(
      samePublicKey(publicKeyOf(got, 'getKey()'), publicKey),
      'getKey() returned another public key than generateKey()',
    );
  },
};

/** @internal */
export const generateExistingReturnsSame: AlgorithmCheck = {
  id: 'generate-existing-returns-same',
  scope: 'every-algorithm',
  description:
    'generateKey on an alias that already holds a key returns that key unchanged, and the alias still uses it.',
  async run(ctx, algorithm) {
    const alias = ctx.alias('again');
    const first = await generate(ctx, algorithm, alias);
    const second = await generate(ctx, algorithm, alias);
    ensure(
      samePublicKey(first.publicKey, second.publicKey),
      'generateKey() on an existing alias returned a different key; it must return the existing one',
    );
    ensure(second.info.purpose === first.info.purpose, 'generateKey() again changed the purpose');
    ensure(
      (await countListed(ctx, alias)) === 1,
      'after generating twice, listAliases() must list the alias exactly once',
    );
    try {
      await exerciseKey(ctx, algorithm, alias, first.publicKey);
    } catch (err) {
      if (!(err instanceof ConformanceFailure)) throw err;
      throw new ConformanceFailure(
        `after generateKey() again, the alias no longer uses the first key: ${err.message}`,
        err.cause,
      );
    }
  },
};

/** @internal */
export const concurrentGenerateOneKey: AlgorithmCheck = {
  id: 'concurrent-generate-one-key',
  scope: 'every-algorithm',
  description:
    'Concurrent generateKey calls for one alias all succeed, all return one and the same key, and that key is the one stored.',
  async run(ctx, algorithm) {
    const alias = ctx.alias('concurrent');
    const spec = specFor(algorithm);
    const settled = await Promise.allSettled(
      Array.from({ length: ctx.concurrency }, () =>
        attempt('generateKey()', () => ctx.store.generateKey(alias, spec)),
      ),
    );
    const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failures.length > 0) {
      const first = failures[0]!.reason;
      throw new ConformanceFailure(
        `${failures.length} of ${ctx.concurrency} concurrent generateKey() calls for one alias failed (${
          first instanceof Error ? first.message : String(first)
        })`,
        first,
      );
    }
    const keys = settled.map((s, i) =>
      publicKeyOf(
        (s as PromiseFulfilledResult<KeyInfo>).value,
        `concurrent generateKey() #${i + 1}`,
      ),
    );
    const distinct = new Set(keys.map(thumbprintInput)).size;
    ensure(
      distinct === 1,
      `${ctx.concurrency} concurrent generateKey() calls for one alias returned ${distinct} different keys; they must all return the one key`,
    );
    const stored = await attempt('getKey()', () => ctx.store.getKey(alias));
    ensure(
      stored !== null && typeof stored === 'object',
      'after concurrent generation getKey() finds no key',
    );
    ensure(
      samePublicKey(publicKeyOf(stored, 'getKey()'), keys[0]!),
      'the key stored under the alias is not the one the concurrent generateKey() calls returned',
    );
    ensure(
      (await countListed(ctx, alias)) === 1,
      'after concurrent generation the alias must be listed once',
    );
    await exerciseKey(ctx, algorithm, alias, keys[0]!);
  },
};

/** @internal */
export const deleteKeyRemoves: AlgorithmCheck = {
  id: 'delete-key-removes',
  scope: 'every-algorithm',
  description:
    'After deleteKey, getKey returns null, listAliases leaves the alias out, and using the alias rejects with KEY_NOT_FOUND.',
  async run(ctx, algorithm) {
    const alias = ctx.alias('delete');
    await generate(ctx, algorithm, alias);
    await attempt('deleteKey()', () => ctx.store.deleteKey(alias));
    const found = await attempt('getKey() after deleteKey()', () => ctx.store.getKey(alias));
    ensure(
      found === null,
      `getKey() after deleteKey() resolved to ${found === undefined ? 'undefined' : 'a key'}; it must resolve to null`,
    );
    ensure(
      (await countListed(ctx, alias)) === 0,
      'listAliases() still lists the alias after deleteKey()',
    );
    const { what, call } = await operationCall(ctx, keyOperationOf(algorithm), alias);
    await expectRejection(`${what} with a deleted key`, call, ['KEY_NOT_FOUND']);
  },
};

/** @internal */
export const deleteThenGenerateNewKey: AlgorithmCheck = {
  id: 'delete-then-generate-new-key',
  scope: 'every-algorithm',
  description: 'generateKey after deleteKey makes a different key: the deleted one is really gone.',
  async run(ctx, algorithm) {
    const alias = ctx.alias('regenerate');
    const first = await generate(ctx, algorithm, alias);
    await attempt('deleteKey()', () => ctx.store.deleteKey(alias));
    const second = await generate(ctx, algorithm, alias);
    ensure(
      !samePublicKey(first.publicKey, second.publicKey),
      'generateKey() after deleteKey() returned the deleted key; deleting must destroy it',
    );
    await exerciseKey(ctx, algorithm, alias, second.publicKey);
  },
};
