/**
 * ENV and LABEL arguments (BuildKit `parseNameVal`): `k=v k2="v 2"` when the first word has an
 * `=`, otherwise the legacy `KEY value with spaces` (one pair, the value is the rest as written).
 * Keys and values stay raw: quotes are removed when the builder expands them.
 */
import { syntaxError } from '../errors.js';
import type { InstructionNode } from '../node.js';
import type { KeyValue } from '../types.js';
import { parseWords } from '../words.js';

/** True for the legacy `KEY value` form: the first word has no `=` (BuildKit's `NoDelim`). */
export function isLegacyKeyValue(words: readonly string[]): boolean {
  return words[0] !== undefined && !words[0].includes('=');
}

/** Parses the pairs of an ENV or LABEL line. */
export function parseKeyValues(node: InstructionNode): KeyValue[] {
  const words = parseWords(node.rest, node.escape);
  const first = words[0];
  if (first === undefined) throw syntaxError(`${node.kind} requires at least one argument`, node.loc);
  let pairs: KeyValue[];
  if (isLegacyKeyValue(words)) {
    const match = /[\t\v\f\r ]+/.exec(node.rest);
    if (!match) throw syntaxError(`${node.kind} must have two arguments`, node.loc);
    pairs = [{ key: node.rest.slice(0, match.index), value: node.rest.slice(match.index + match[0].length) }];
  } else {
    pairs = words.map((word) => {
      const eq = word.indexOf('=');
      if (eq < 0) {
        throw syntaxError(`Syntax error - can't find = in ${JSON.stringify(word)}. Must be of the form: name=value`, node.loc);
      }
      return { key: word.slice(0, eq), value: word.slice(eq + 1) };
    });
  }
  if (pairs.some((p) => p.key === '')) throw syntaxError(`${node.kind} names can not be blank`, node.loc);
  return pairs;
}
