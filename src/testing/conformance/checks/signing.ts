// Checks of signing keys: the 64-byte JOSE form, that a signature covers exactly the given
// bytes (empty, large, a view into a larger buffer), concurrent signing, and bad input.

import { concatBytes, equalBytes } from '../../../core/bytes.js';
import { attempt, ConformanceFailure, ensure, expectRejection } from '../expectations.js';
import { bufferSource, createEcdhPeer, flipBit, signatureVerifier } from '../independent-crypto.js';
import { checkSignatureForm, generate, signAndVerify } from '../key-operations.js';
import type { AlgorithmCheck } from './check.js';

const LARGE_INPUT_BYTES = 1024 * 1024;

/** @internal */
export const signJoseForm: AlgorithmCheck = {
  id: 'sign-jose-form',
  scope: 'signing',
  description:
    'sign returns a Uint8Array of exactly 64 bytes in the JOSE form (r ‖ s for ES256, not ASN.1 DER) that verifies with the public JWK.',
  async run(ctx, algorithm) {
    const alias = ctx.alias('jose');
    const { publicKey } = await generate(ctx, algorithm, alias);
    await signAndVerify(ctx, algorithm, alias, publicKey, ctx.random(100));
  },
};

/** @internal */
export const signCoversExactBytes: AlgorithmCheck = {
  id: 'sign-covers-exact-bytes',
  scope: 'signing',
  description:
    'A signature verifies over exactly the bytes given to sign: not over them with a byte changed, added or removed, not over their SHA-256, and a changed signature does not verify.',
  async run(ctx, algorithm) {
    const alias = ctx.alias('exact');
    const { publicKey } = await generate(ctx, algorithm, alias);
    const data = ctx.random(64);
    const signature = await signAndVerify(ctx, algorithm, alias, publicKey, data);
    const verify = await signatureVerifier(ctx.subtle, algorithm, publicKey);
    const digest = new Uint8Array(await ctx.subtle.digest('SHA-256', bufferSource(data)));
    const others: [string, Uint8Array][] = [
      ['the data with its first byte changed', flipBit(data, 0)],
      ['the data with its last byte changed', flipBit(data, -1)],
      ['the data with a byte appended', concatBytes(data, Uint8Array.of(0))],
      ['the data with its last byte removed', data.subarray(0, data.length - 1)],
      ['the SHA-256 digest of the data', digest],
      ['empty data', new Uint8Array(0)],
    ];
    for (const [label, other] of others) {
      ensure(
        !(await verify(signature, other)),
        `the signature also verifies over ${label}; it must cover exactly the given bytes`,
      );
    }
    ensure(
      !(await verify(flipBit(signature, 10), data)),
      'a signature with a changed byte still verifies',
    );
  },
};

/** @internal */
export const signEmptyInput: AlgorithmCheck = {
  id: 'sign-empty-input',
  scope: 'signing',
  description: 'sign accepts zero bytes of data and the signature verifies over the empty input.',
  async run(ctx, algorithm) {
    const alias = ctx.alias('empty');
    const { publicKey } = await generate(ctx, algorithm, alias);
    await signAndVerify(ctx, algorithm, alias, publicKey, new Uint8Array(0));
  },
};

/** @internal */
export const signLargeInput: AlgorithmCheck = {
  id: 'sign-large-input',
  scope: 'signing',
  description:
    'sign accepts 1 MiB of data and the signature covers all of it (it does not verify with the last byte changed).',
  async run(ctx, algorithm) {
    const alias = ctx.alias('large');
    const { publicKey } = await generate(ctx, algorithm, alias);
    const data = ctx.random(LARGE_INPUT_BYTES);
    const signature = await signAndVerify(ctx, algorithm, alias, publicKey, data);
    const verify = await signatureVerifier(ctx.subtle, algorithm, publicKey);
    ensure(
      !(await verify(signature, flipBit(data, -1))),
      'the signature over 1 MiB still verifies with the last byte changed; the store signs only part of the data',
    );
  },
};

/** @internal */
export const signRespectsByteOffset: AlgorithmCheck = {
  id: 'sign-respects-byte-offset',
  scope: 'signing',
  description:
    'Given a view into a larger buffer (a subarray), sign signs exactly the bytes of the view, not the whole buffer, and does not modify the input.',
  async run(ctx, algorithm) {
    const alias = ctx.alias('offset');
    const { publicKey } = await generate(ctx, algorithm, alias);
    const buffer = ctx.random(256);
    const before = buffer.slice();
    const view = buffer.subarray(64, 160);
    const signature = await attempt('sign() of a subarray', () => ctx.store.sign(alias, view));
    checkSignatureForm(algorithm, signature);
    ensure(equalBytes(buffer, before), 'sign() modified the bytes it was given');
    const verify = await signatureVerifier(ctx.subtle, algorithm, publicKey);
    ensure(
      await verify(signature, before.slice(64, 160)),
      'the signature of a subarray does not verify over the subarray bytes (is the store using view.buffer?)',
    );
  },
};

/** @internal */
export const signConcurrentCalls: AlgorithmCheck = {
  id: 'sign-concurrent-calls',
  scope: 'signing',
  description: 'Concurrent sign calls with one key each return a signature over their own data.',
  async run(ctx, algorithm) {
    const alias = ctx.alias('parallel');
    const { publicKey } = await generate(ctx, algorithm, alias);
    const inputs = Array.from({ length: ctx.concurrency }, (_, i) => ctx.random(16 + i));
    const signatures = await Promise.all(
      inputs.map((data, i) =>
        attempt(`concurrent sign() #${i + 1}`, () => ctx.store.sign(alias, data)),
      ),
    );
    const verify = await signatureVerifier(ctx.subtle, algorithm, publicKey);
    for (const [i, signature] of signatures.entries()) {
      checkSignatureForm(algorithm, signature);
      if (!(await verify(signature, inputs[i]!))) {
        throw new ConformanceFailure(
          `concurrent sign() #${i + 1} returned a signature that does not verify over its own data`,
        );
      }
    }
  },
};

/** @internal */
export const signRejectsInvalidData: AlgorithmCheck = {
  id: 'sign-rejects-invalid-data',
  scope: 'signing',
  description: 'sign with data that is not a Uint8Array rejects with INVALID_ARGUMENT.',
  async run(ctx, algorithm) {
    const alias = ctx.alias('bad-data');
    await generate(ctx, algorithm, alias);
    const bad: [string, unknown][] = [
      ['undefined', undefined],
      ['null', null],
      ['a string', 'text to sign'],
      ['a number', 42],
      ['an array of numbers', [1, 2, 3]],
      ['a plain object', { length: 2, 0: 1, 1: 2 }],
    ];
    for (const [label, data] of bad) {
      await expectRejection(
        `sign() with data = ${label}`,
        () => ctx.store.sign(alias, data as Uint8Array),
        ['INVALID_ARGUMENT'],
      );
    }
  },
};

/** @internal */
export const signingKeyRefusesOtherOperations: AlgorithmCheck = {
  id: 'signing-key-refuses-other-operations',
  scope: 'signing',
  description:
    'A signing key cannot be used for ECDH or decryption: deriveSharedSecret and decrypt reject with UNSUPPORTED_ALGORITHM.',
  async run(ctx, algorithm) {
    const alias = ctx.alias('sign-purpose');
    await generate(ctx, algorithm, alias);
    const peer = await createEcdhPeer(ctx.subtle);
    await expectRejection(
      'deriveSharedSecret() with a signing key',
      () => ctx.store.deriveSharedSecret(alias, peer.publicKey),
      ['UNSUPPORTED_ALGORITHM'],
    );
    const ciphertext = ctx.random(256);
    await expectRejection(
      'decrypt() with a signing key',
      () => ctx.store.decrypt(alias, ciphertext),
      ['UNSUPPORTED_ALGORITHM'],
    );
  },
};
