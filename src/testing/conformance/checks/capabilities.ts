// Checks of what a store declares: that capabilities() is well-formed and stable, that every
// declared algorithm really works, that everything undeclared is refused, and persistence.

import { KEY_MANAGEMENT_ALGORITHMS, SIGNING_ALGORITHMS } from '../../../core/algorithms.js';
import type { KeyAlgorithm, KeySpec, KeyStoreCapabilities } from '../../../keystores/contract.js';
import { attempt, ConformanceFailure, ensure, expectRejection } from '../expectations.js';
import { exerciseKey, generate, publicKeyOf, samePublicKey, specFor } from '../key-operations.js';
import type { StoreCheck } from './check.js';

const SIGNING = new Set<string>(Object.keys(SIGNING_ALGORITHMS));
const ENCRYPTION = new Set<string>(
  Object.values(KEY_MANAGEMENT_ALGORITHMS).map((e) => e.keyAlgorithm),
);
const FLAGS = ['hardwareBacked', 'userAuthentication', 'attestation', 'persistent'] as const;

/** @internal Every algorithm devicebind knows, signing first. */
export const KNOWN_ALGORITHMS: readonly KeyAlgorithm[] = [
  ...SIGNING,
  ...ENCRYPTION,
] as KeyAlgorithm[];

function checkList(
  caps: KeyStoreCapabilities,
  field: 'signing' | 'encryption',
  known: Set<string>,
): void {
  const list: unknown = caps[field];
  ensure(Array.isArray(list), `capabilities().${field} must be an array`);
  for (const entry of list) {
    ensure(
      typeof entry === 'string' && known.has(entry),
      `capabilities().${field} lists ${JSON.stringify(entry)}, which is not a ${field} algorithm devicebind knows`,
    );
  }
  ensure(new Set(list).size === list.length, `capabilities().${field} lists an algorithm twice`);
}

function fingerprint(caps: KeyStoreCapabilities): string {
  return JSON.stringify({
    signing: Array.isArray(caps.signing) ? [...caps.signing].sort() : caps.signing,
    encryption: Array.isArray(caps.encryption) ? [...caps.encryption].sort() : caps.encryption,
    ...Object.fromEntries(FLAGS.map((flag) => [flag, caps[flag]])),
  });
}

/** @internal */
export const capabilitiesWellFormed: StoreCheck = {
  id: 'capabilities-well-formed',
  scope: 'store',
  description:
    'The store has a name, and capabilities() lists known signing and encryption algorithms (at least one signing algorithm) and four booleans.',
  async run(ctx) {
    ensure(
      typeof ctx.store.name === 'string' && ctx.store.name.length > 0,
      'store.name must be a non-empty string',
    );
    const caps = await attempt('capabilities()', () => ctx.store.capabilities());
    ensure(typeof caps === 'object' && caps !== null, 'capabilities() must resolve to an object');
    checkList(caps, 'signing', SIGNING);
    checkList(caps, 'encryption', ENCRYPTION);
    ensure(
      caps.signing.length > 0,
      'capabilities().signing is empty; a store must offer a signing algorithm',
    );
    for (const flag of FLAGS) {
      ensure(typeof caps[flag] === 'boolean', `capabilities().${flag} must be a boolean`);
    }
  },
};

/** @internal */
export const capabilitiesStable: StoreCheck = {
  id: 'capabilities-stable',
  scope: 'store',
  description:
    'capabilities() gives the same answer on every call and on every new instance of the store.',
  async run(ctx) {
    const declared = fingerprint(ctx.requireDeclared());
    for (let call = 1; call <= 3; call++) {
      const caps = await attempt('capabilities()', () => ctx.store.capabilities());
      ensure(
        typeof caps === 'object' && caps !== null && fingerprint(caps) === declared,
        `capabilities() answered differently on call ${call} of a new store instance`,
      );
    }
    const other = await ctx.newStore();
    const caps = await attempt('capabilities() of another instance', () => other.capabilities());
    ensure(
      typeof caps === 'object' && caps !== null && fingerprint(caps) === declared,
      'capabilities() of another store instance answered differently',
    );
  },
};

/** @internal */
export const declaredCapabilitiesWork: StoreCheck = {
  id: 'declared-capabilities-work',
  scope: 'store',
  description:
    'Every algorithm capabilities() declares can be generated and used, and gives correct results.',
  async run(ctx) {
    const caps = ctx.requireDeclared();
    const declared = [...caps.signing, ...caps.encryption] as KeyAlgorithm[];
    for (const algorithm of declared) {
      ensure(
        KNOWN_ALGORITHMS.includes(algorithm),
        `the store declares unknown algorithm ${String(algorithm)}`,
      );
      try {
        const alias = ctx.alias(`declared-${algorithm}`);
        const { publicKey } = await generate(ctx, algorithm, alias);
        await exerciseKey(ctx, algorithm, alias, publicKey);
      } catch (err) {
        if (!(err instanceof ConformanceFailure)) throw err;
        throw new ConformanceFailure(
          `the store declares ${algorithm}, but ${err.message}`,
          err.cause,
        );
      }
    }
  },
};

/** @internal */
export const undeclaredAlgorithmsRefused: StoreCheck = {
  id: 'undeclared-algorithms-refused',
  scope: 'store',
  description:
    'generateKey with an algorithm the store does not declare (or one devicebind does not know, or one of the other purpose) rejects with UNSUPPORTED_ALGORITHM and leaves no key.',
  async run(ctx) {
    const caps = ctx.requireDeclared();
    const declared = new Set<string>([...caps.signing, ...caps.encryption]);
    const cases: [string, KeySpec][] = KNOWN_ALGORITHMS.filter((a) => !declared.has(a)).map((a) => [
      `undeclared ${a}`,
      specFor(a),
    ]);
    const bogus: [string, unknown][] = [
      ['unknown signing algorithm RS256', { purpose: 'sign', algorithm: 'RS256' }],
      ['unknown signing algorithm ES384', { purpose: 'sign', algorithm: 'ES384' }],
      ['signing algorithm "none"', { purpose: 'sign', algorithm: 'none' }],
      ['unknown encryption algorithm RSA1_5', { purpose: 'encrypt', algorithm: 'RSA1_5' }],
      ['encryption purpose with ES256', { purpose: 'encrypt', algorithm: 'ES256' }],
      ['signing purpose with ECDH-ES', { purpose: 'sign', algorithm: 'ECDH-ES' }],
      ['signing purpose with RSA-OAEP-256', { purpose: 'sign', algorithm: 'RSA-OAEP-256' }],
    ];
    for (const [label, spec] of [...cases, ...bogus]) {
      const alias = ctx.alias('undeclared');
      await expectRejection(
        `generateKey with ${label}`,
        () => ctx.store.generateKey(alias, spec as KeySpec),
        ['UNSUPPORTED_ALGORITHM'],
      );
      const left = await attempt('getKey() after a refused generateKey', () =>
        ctx.store.getKey(alias),
      );
      ensure(left === null, `generateKey with ${label} was refused but left a key under the alias`);
    }
  },
};

/** @internal */
export const undeclaredFeaturesRefused: StoreCheck = {
  id: 'undeclared-features-refused',
  scope: 'store',
  description:
    'A store that declares no user authentication refuses a policy other than "none", and one without secure hardware refuses hardware "required", with UNSUPPORTED_ALGORITHM.',
  async run(ctx) {
    const caps = ctx.requireDeclared();
    const algorithm = ctx.anyAlgorithm();
    const base = specFor(algorithm);
    const cases: [string, KeySpec][] = [];
    if (!caps.userAuthentication) {
      cases.push([
        'userAuthentication "biometric"',
        { ...base, userAuthentication: { type: 'biometric' } },
      ]);
      cases.push([
        'userAuthentication "biometric-or-device-credential"',
        { ...base, userAuthentication: { type: 'biometric-or-device-credential' } },
      ]);
    }
    if (!caps.hardwareBacked)
      cases.push(['hardware "required"', { ...base, hardware: 'required' }]);
    if (cases.length === 0)
      ctx.skip('the store declares both user authentication and secure hardware');
    for (const [label, spec] of cases) {
      const alias = ctx.alias('feature');
      await expectRejection(`generateKey with ${label}`, () => ctx.store.generateKey(alias, spec), [
        'UNSUPPORTED_ALGORITHM',
      ]);
      const left = await attempt('getKey() after a refused generateKey', () =>
        ctx.store.getKey(alias),
      );
      ensure(left === null, `generateKey with ${label} was refused but left a key under the alias`);
    }
  },
};

/** @internal */
export const optionalSpecFieldsAccepted: StoreCheck = {
  id: 'optional-spec-fields-accepted',
  scope: 'store',
  description:
    'generateKey accepts the optional spec fields every store can honour: userAuthentication "none", hardware "preferred" and an attestationChallenge.',
  async run(ctx) {
    const algorithm = ctx.anyAlgorithm();
    const base = specFor(algorithm);
    const cases: [string, KeySpec][] = [
      ['userAuthentication "none"', { ...base, userAuthentication: { type: 'none' } }],
      ['hardware "preferred"', { ...base, hardware: 'preferred' }],
      ['an attestationChallenge', { ...base, attestationChallenge: ctx.random(32) }],
    ];
    for (const [label, spec] of cases) {
      const alias = ctx.alias('optional');
      const info = await attempt(`generateKey with ${label}`, () =>
        ctx.store.generateKey(alias, spec),
      );
      ensure(
        typeof info === 'object' && info !== null,
        `generateKey with ${label} returned no KeyInfo`,
      );
      await exerciseKey(ctx, algorithm, alias, publicKeyOf(info, `generateKey with ${label}`));
    }
  },
};

/** @internal */
export const persistentKeysSurvive: StoreCheck = {
  id: 'persistent-keys-survive-new-instance',
  scope: 'store',
  description:
    'A store that declares persistent keys finds and uses a key from a new instance of the store.',
  async run(ctx) {
    if (!ctx.requireDeclared().persistent) ctx.skip('the store declares persistent: false');
    const algorithm = ctx.anyAlgorithm();
    const alias = ctx.alias('persistent');
    const { publicKey } = await generate(ctx, algorithm, alias);
    const other = await ctx.newStore();
    const found = await attempt('getKey() on a new store instance', () => other.getKey(alias));
    ensure(
      found !== null && typeof found === 'object',
      'a new store instance does not find the key (createStore must give a new instance over the same storage: the same device, simulator or database)',
    );
    ensure(
      samePublicKey(publicKeyOf(found, 'getKey() on a new instance'), publicKey),
      'a new store instance returns another public key for the alias',
    );
    await exerciseKey(ctx, algorithm, alias, publicKey, other);
  },
};
