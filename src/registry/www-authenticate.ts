/**
 * Parses `WWW-Authenticate` (RFC 7235): one or more challenges, each a scheme followed by
 * `name=value` or `name="quoted \"value\""` parameters, e.g.
 * `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"`.
 */

/** One challenge; `scheme` is lower-cased, parameter names too. */
export interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;
const SPACE = /[ \t,]*/y;
/** Unquoted values should be tokens, but some registries send bare URLs; take up to `,` or space. */
const BARE_VALUE = /[^\s,]*/y;

function take(re: RegExp, text: string, at: number): { value: string; end: number } | undefined {
  re.lastIndex = at;
  const m = re.exec(text);
  return m ? { value: m[0], end: re.lastIndex } : undefined;
}

function quoted(text: string, at: number): { value: string; end: number } {
  let value = '';
  let i = at + 1;
  while (i < text.length && text[i] !== '"') {
    if (text[i] === '\\' && i + 1 < text.length) i++;
    value += text[i];
    i++;
  }
  return { value, end: i + 1 };
}

/** Every challenge in the header, in order; malformed trailing text is ignored. */
export function parseWwwAuthenticate(header: string): Challenge[] {
  const challenges: { scheme: string; params: Record<string, string> }[] = [];
  let i = take(SPACE, header, 0)?.end ?? 0;
  while (i < header.length) {
    const name = take(TOKEN, header, i);
    if (!name) break;
    let j = name.end;
    while (header[j] === ' ' || header[j] === '\t') j++;
    const current = challenges.at(-1);
    if (header[j] === '=' && current) {
      j++;
      while (header[j] === ' ' || header[j] === '\t') j++;
      const value = header[j] === '"' ? quoted(header, j) : (take(BARE_VALUE, header, j) ?? { value: '', end: j });
      current.params[name.value.toLowerCase()] = value.value;
      i = take(SPACE, header, value.end)?.end ?? value.end;
    } else {
      challenges.push({ scheme: name.value.toLowerCase(), params: {} });
      i = take(SPACE, header, name.end)?.end ?? name.end;
    }
  }
  return challenges;
}
