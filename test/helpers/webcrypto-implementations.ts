// The WebCrypto implementations the WebCrypto store's tests run on: Node's own and
// @peculiar/webcrypto, so behaviour that only one of them has does not go unnoticed.

import { Crypto as PeculiarCrypto } from '@peculiar/webcrypto';

export interface WebCryptoImplementation {
  readonly name: string;
  readonly crypto: Crypto;
}

/** Node's `globalThis.crypto` and a `@peculiar/webcrypto` instance. */
export const WEBCRYPTO_IMPLEMENTATIONS: readonly WebCryptoImplementation[] = [
  { name: 'node webcrypto', crypto: globalThis.crypto },
  { name: '@peculiar/webcrypto', crypto: new PeculiarCrypto() as unknown as Crypto },
];

/** Bytes from lowercase hex (the form Wycheproof uses). */
export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}

/** A Uint8Array typed for WebCrypto calls. */
export function buf(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>;
}

/** Replacements for some `SubtleCrypto` methods; each gets the original as its last argument. */
export type SubtleOverrides = Partial<
  Record<
    keyof SubtleCrypto,
    (args: unknown[], original: (...args: unknown[]) => Promise<unknown>) => Promise<unknown>
  >
>;

/**
 * A Crypto that forwards to `crypto`, counting `subtle` calls by method name and running
 * `overrides` instead where given (to make one operation fail or to watch it).
 */
export function instrumentedCrypto(
  crypto: Crypto,
  overrides: SubtleOverrides = {},
): { crypto: Crypto; calls: unknown[][]; count(method: string, algorithmName?: string): number } {
  const calls: unknown[][] = [];
  const subtle = new Proxy(crypto.subtle, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const original = (...args: unknown[]) =>
        (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      return (...args: unknown[]) => {
        calls.push([property, ...args]);
        const override = overrides[property as keyof SubtleCrypto];
        return override === undefined ? original(...args) : override(args, original);
      };
    },
  });
  const wrapped = {
    subtle,
    getRandomValues: crypto.getRandomValues.bind(crypto),
  } as unknown as Crypto;
  const count = (method: string, algorithmName?: string) =>
    calls.filter(([name, algorithm]) => {
      if (name !== method) return false;
      if (algorithmName === undefined) return true;
      const algName =
        typeof algorithm === 'string' ? algorithm : (algorithm as { name?: string }).name;
      return algName === algorithmName;
    }).length;
  return { crypto: wrapped, calls, count };
}
