// Types of scripts/hermes-bundle.mjs, for the TypeScript tests and benchmarks that import it.

export declare const repoRoot: string;
export declare function hermesTools(root?: string): { hermes: string; hermesc: string };
export declare function buildForHermes(
  entry: string,
  root?: string,
  options?: { define?: Record<string, string> },
): Promise<string>;
