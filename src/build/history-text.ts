/**
 * `created_by` for a history entry: the instruction as written, continuation lines joined.
 * Kept unexpanded on purpose: expanded values may hold build-arg secrets (DESIGN rule 8).
 */
import type { Instruction } from '../dockerfile/index.js';

export function historyText(ins: Instruction, escape: string): string {
  return ins.original
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => (line.endsWith(escape) ? line.slice(0, -1).trimEnd() : line))
    .join(' ');
}
