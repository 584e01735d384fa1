/**
 * URLs end up in error messages and logs, and registries put secrets in them: userinfo, bearer
 * tokens in query strings, and pre-signed storage URLs (S3, GCS, Azure signatures). Query values
 * are kept only for the distribution API's own harmless parameters.
 */

const SAFE_QUERY_KEYS: ReadonlySet<string> = new Set(['digest', 'mount', 'from', 'n', 'last', 'service', 'scope']);

/** The URL with credentials and secret-looking query values replaced by `REDACTED`. */
export function redactUrl(url: URL | string): string {
  let u: URL;
  try {
    u = new URL(url.toString());
  } catch {
    return '<unparseable url>';
  }
  if (u.username || u.password) {
    u.username = 'REDACTED';
    u.password = '';
  }
  if (u.search) {
    const parts = u.search
      .slice(1)
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        if (eq < 0) return pair;
        return SAFE_QUERY_KEYS.has(pair.slice(0, eq)) ? pair : `${pair.slice(0, eq)}=REDACTED`;
      });
    u.search = `?${parts.join('&')}`;
  }
  return u.toString();
}
