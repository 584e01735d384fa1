/** Go's `time.ParseDuration`, which Docker uses for HEALTHCHECK intervals. */

const UNITS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  '\u00b5s': 1e3,
  '\u03bcs': 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const PART = /^(\d*)(?:\.(\d*))?([^\d.]+)/;

/** Nanoseconds for `1m30s`, `1.5h`, `-2ms`, `0`; undefined when Go would reject the text. */
export function parseGoDuration(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  while (rest !== '') {
    const m = PART.exec(rest);
    const [whole = '', frac = '', unit = ''] = m?.slice(1) ?? [];
    const scale = UNITS[unit];
    if (!m || (whole === '' && frac === '') || scale === undefined) return undefined;
    total += Number(`${whole || '0'}.${frac || '0'}`) * scale;
    rest = rest.slice(m[0].length);
  }
  if (total > 2 ** 63 - 1) return undefined;
  return sign * Math.round(total);
}
