// Normalises HTTP URIs for the `htu` comparison of RFC 9449 §4.3: query and fragment
// dropped, then RFC 3986 §6.2.2 (syntax) and §6.2.3 (scheme-based) normalisation.

// The WHATWG URL parser already lower-cases scheme and host, drops the scheme's default
// port, writes an empty path as "/", removes dot segments (also percent-encoded ones) and
// percent-encodes characters that may not appear raw. What remains of §6.2.2.2 is done
// here: percent-encoded unreserved characters are decoded and hex digits upper-cased.
const PERCENT_ENCODED = /%[0-9A-Fa-f]{2}/g;
const UNRESERVED = /[A-Za-z0-9\-._~]/;

function normalizePercentEncoding(match: string): string {
  const char = String.fromCharCode(Number.parseInt(match.slice(1), 16));
  return UNRESERVED.test(char) ? char : match.toUpperCase();
}

/**
 * @internal `scheme://host[:port]/path` of an absolute http(s) URI, normalised, or
 * `undefined` when `value` is not one. Without `allowUserinfo`, a URI carrying userinfo is
 * refused (RFC 9110 §4.2.4: senders must not generate it).
 */
export function normalizeHtu(
  value: string | URL,
  { allowUserinfo = false }: { allowUserinfo?: boolean } = {},
): string | undefined {
  let url: URL;
  try {
    url = value instanceof URL ? value : new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (!allowUserinfo && (url.username !== '' || url.password !== '')) return undefined;
  if (url.host === '') return undefined;
  const path = url.pathname.includes('%')
    ? url.pathname.replace(PERCENT_ENCODED, normalizePercentEncoding)
    : url.pathname;
  return `${url.protocol}//${url.host}${path}`;
}
