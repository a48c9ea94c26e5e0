// The real attestation samples published beside the repository (../shared/attestation, or the
// folder DEVICEBIND_ATTESTATION names), through the published-data loader: the evidence
// files and the manifest of their decoded facts and expected verdicts. Never copied here.

import { readFileSync } from 'node:fs';
import { attestationPath, loadAttestation } from '../setup/vectors.js';

/** The text of a file of the samples folder. */
export function sampleText(relativePath: string): string {
  return readFileSync(attestationPath(relativePath), 'utf8');
}

/** A JSON file of the samples folder. */
export const sampleJson = <T>(relativePath: string): T => loadAttestation<T>(relativePath);

/** The DER certificates of a PEM file, leaf first. */
export function pemChain(relativePath: string): Uint8Array[] {
  return [
    ...sampleText(relativePath).matchAll(
      /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g,
    ),
  ].map((match) => new Uint8Array(Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64')));
}

/** An Android sample in manifest.json. */
export interface AndroidSample {
  readonly id: string;
  readonly file: string;
  readonly inputs: {
    readonly challengeHex: string;
    readonly packageName: readonly string[];
    readonly signingCertSha256Hex: readonly string[];
    readonly fixedNow: string;
  };
  readonly expected: {
    readonly verdict: string;
    readonly keyDescription: {
      readonly attestationVersion: number;
      readonly keymasterVersion: number;
      readonly attestationSecurityLevel: string;
      readonly keymasterSecurityLevel: string;
      readonly osPatchLevel?: number;
      readonly creationDateTime?: number;
      readonly rootOfTrust?: { readonly deviceLocked: boolean; readonly verifiedBootState: string };
    };
    readonly leafPublicKeySpkiB64: string;
  };
}

/** An App Attest sample in manifest.json. */
export interface AppleSample {
  readonly id: string;
  readonly file: string;
  readonly inputs: Record<string, string>;
  readonly expected: Record<string, unknown> & { readonly verdict: string };
}

/** The manifest. */
export interface Manifest {
  readonly android: readonly AndroidSample[];
  readonly apple: readonly AppleSample[];
}

export const manifest = (): Manifest => sampleJson<Manifest>('manifest.json');
