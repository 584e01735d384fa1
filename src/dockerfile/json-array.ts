/**
 * Docker's "exec form" test: the text (after leading blanks) starts with `[` and is one JSON
 * array. An array of strings is exec form; any other element is an error, as in BuildKit;
 * anything that is not valid JSON is not exec form at all (the caller falls back).
 */

/** The outcome of trying the JSON form. */
export type JsonArrayResult = { readonly ok: true; readonly values: string[] } | { readonly ok: false; readonly notStrings?: true };

/** The message BuildKit gives for `[1, 2]` and the like. */
export const NOT_STRING_ARRAY = 'when using JSON array syntax, arrays must be comprised of strings only';

/** Parses `rest` as a JSON array of strings, reporting arrays of other things apart. */
export function parseJsonArray(rest: string): JsonArrayResult {
  const text = rest.replace(/^\p{White_Space}+/u, '');
  if (!text.startsWith('[')) return { ok: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false };
  }
  if (!Array.isArray(parsed)) return { ok: false };
  if (!parsed.every((v): v is string => typeof v === 'string')) return { ok: false, notStrings: true };
  return { ok: true, values: parsed };
}
