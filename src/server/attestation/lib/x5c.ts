// The certificate chain of attestation evidence (JWS `x5c` style): base64 DER or DER bytes,
// leaf first, bounded in count and size before anything is parsed.

import { mustBe } from '../../../core/assert.js';
import { type ParsedCertificate, parseCertificate } from './certificate.js';
import { decodeAnyBase64 } from './encoding.js';
import { refuseAttestation } from './refusal.js';

const MAX_CHAIN = 10;
const MAX_CERTIFICATE = 16 * 1024;

/** @internal Parses an `x5c` array. @throws `INVALID_ARGUMENT`, `ATTESTATION_FAILED` */
export function parseX5c(x5c: unknown, name: string): ParsedCertificate[] {
  if (!Array.isArray(x5c)) mustBe(name, 'an array of certificates (base64 DER, leaf first)');
  if (x5c.length === 0)
    refuseAttestation('missing', 'the attestation has no certificates', { claim: 'x5c' });
  if (x5c.length > MAX_CHAIN) {
    refuseAttestation('malformed', `the chain has more than ${MAX_CHAIN} certificates`, {
      claim: 'x5c',
    });
  }
  return x5c.map((entry: unknown, index) => {
    const label = `x5c[${index}]`;
    const der =
      entry instanceof Uint8Array
        ? entry
        : typeof entry === 'string'
          ? decodeAnyBase64(entry)
          : undefined;
    if (der === undefined || der.length === 0 || der.length > MAX_CERTIFICATE) {
      refuseAttestation('malformed', `${label} is not a base64 DER certificate`, { claim: label });
    }
    return parseCertificate(der, label);
  });
}
