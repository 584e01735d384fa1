/** The exec-or-shell decision shared by RUN, CMD, ENTRYPOINT and HEALTHCHECK CMD (BuildKit `parseMaybeJSON`). */
import { syntaxError } from '../errors.js';
import { NOT_STRING_ARRAY, parseJsonArray } from '../json-array.js';
import type { InstructionNode } from '../node.js';
import type { CommandForm } from '../types.js';

/** Exec form when `text` is a JSON array of strings, shell form (the text as written) otherwise. */
export function parseCommandForm(node: InstructionNode, text: string = node.rest): CommandForm {
  const json = parseJsonArray(text);
  if (json.ok) return { form: 'exec', args: json.values };
  if (json.notStrings === true) throw syntaxError(NOT_STRING_ARRAY, node.loc);
  return { form: 'shell', command: text };
}
