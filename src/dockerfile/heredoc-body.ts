/**
 * Reading heredoc bodies from the physical lines after an instruction, as BuildKit's parser
 * does: only RUN, COPY and ADD (also as an ONBUILD trigger) in shell form can carry heredocs;
 * each one's body runs up to a line equal to its name (leading tabs ignored for `<<-`), kept
 * byte for byte with its newlines, comments and continuations included.
 */
import { syntaxError } from './errors.js';
import { heredocMarkers, type HeredocMarker } from './heredoc.js';
import { parseJsonArray } from './json-array.js';
import { splitCommand } from './split-command.js';
import type { Heredoc } from './heredoc.js';

const CARRIERS: ReadonlySet<string> = new Set(['RUN', 'COPY', 'ADD']);

/** The heredocs a logical line announces, or none when its instruction cannot carry them. */
export function announcedHeredocs(line: string): HeredocMarker[] {
  if (!line.includes('<<')) return [];
  let { keyword, rest } = splitCommand(line);
  if (keyword.toUpperCase() === 'ONBUILD') ({ keyword, rest } = splitCommand(rest));
  if (!CARRIERS.has(keyword.toUpperCase()) || parseJsonArray(rest).ok) return [];
  return heredocMarkers(line);
}

/** What reading the bodies gave, and the index of the first physical line after them. */
export interface HeredocBodies {
  readonly heredocs: readonly Heredoc[];
  readonly next: number;
}

/**
 * Reads one body per marker from `physical[from…]` (lines without their `\n`). `start` is the
 * instruction's first line, where an unterminated heredoc is reported.
 */
export function readHeredocBodies(
  physical: readonly string[],
  from: number,
  markers: readonly HeredocMarker[],
  where: { readonly file: string; readonly start: number },
): HeredocBodies {
  const heredocs: Heredoc[] = [];
  let i = from;
  for (const marker of markers) {
    let content = '';
    let terminated = false;
    while (i < physical.length) {
      const raw = physical[i++] ?? '';
      let candidate = raw.replace(/[\r\n]+$/, '');
      if (marker.chomp) candidate = candidate.replace(/^\t+/, '');
      if (candidate === marker.name) {
        terminated = true;
        break;
      }
      content += `${raw}\n`;
    }
    if (!terminated) {
      throw syntaxError(`unterminated heredoc <<${marker.chomp ? '-' : ''}${marker.name}`, {
        file: where.file,
        line: where.start,
        endLine: Math.max(i, where.start),
      });
    }
    heredocs.push({ ...marker, content });
  }
  return { heredocs, next: i };
}
