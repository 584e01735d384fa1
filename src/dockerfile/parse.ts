/**
 * Dockerfile text to typed stages. Lines are joined as BuildKit joins them (`lines.ts`), each
 * logical line is dispatched to its instruction's parser, then instructions are grouped into
 * stages: ARGs before the first FROM are global, anything else before it is an error.
 */
import { parseCheckDirective } from './check-directive.js';
import { syntaxError } from './errors.js';
import type { ParseOptions } from './features.js';
import { lineNode, parseNode } from './instructions/index.js';
import { splitLines } from './lines.js';
import { lineFacts, type LineFacts, type SourceFacts } from './source-facts.js';
import type { ArgInstruction, Dockerfile, FromInstruction, Instruction, Stage } from './types.js';

/** A parsed Dockerfile and the source facts only the lint rules read. */
export interface ParsedDockerfile {
  readonly dockerfile: Dockerfile;
  readonly facts: SourceFacts;
}

interface OpenStage {
  readonly index: number;
  readonly from: FromInstruction;
  readonly instructions: Instruction[];
}

function closeStage(s: OpenStage): Stage {
  const name = s.from.name;
  return { index: s.index, ...(name === undefined ? {} : { name }), from: s.from, instructions: s.instructions };
}

/**
 * Parses a Dockerfile; `file` is the name used in error messages. `options.features` turns on
 * the typed forms of constructs the builder honours; the rest are refused as unsupported.
 */
export function parseDockerfile(text: string, file = 'Dockerfile', options: ParseOptions = {}): Dockerfile {
  return parseWithFacts(text, file, options).dockerfile;
}

/** `parseDockerfile`, plus the source facts the lint rules need (keyword casing, comments …). */
export function parseWithFacts(text: string, file = 'Dockerfile', options: ParseOptions = {}): ParsedDockerfile {
  const features = options.features ?? {};
  const split = splitLines(text, file, features.heredocs === true);
  const { lines, lineCount } = split;
  const check = split.directives.check;
  const directives =
    features.checks === true && check !== undefined
      ? { ...split.directives, checks: parseCheckDirective(check, { file, line: split.checkLine, endLine: split.checkLine }) }
      : split.directives;
  if (lines.length === 0) {
    const line = Math.max(lineCount, 1);
    throw syntaxError('file with no instructions', { file, line, endLine: line });
  }
  const globalArgs: ArgInstruction[] = [];
  const stages: OpenStage[] = [];
  const names = new Map<string, number>();
  const facts: LineFacts[] = [];
  for (const logical of lines) {
    const loc = { file, line: logical.line, endLine: logical.endLine };
    const extras = logical.heredocs === undefined ? { features } : { features, heredocs: logical.heredocs };
    const node = lineNode(logical.text, loc, directives.escape, false, extras);
    const ins = parseNode(node);
    facts.push(lineFacts(node, logical));
    const current = stages[stages.length - 1];
    if (ins.kind === 'FROM') {
      if (ins.name !== undefined) {
        const earlier = names.get(ins.name);
        if (earlier !== undefined) throw syntaxError(`duplicate stage name "${ins.name}" (first defined on line ${earlier})`, loc);
        names.set(ins.name, loc.line);
      }
      stages.push({ index: stages.length, from: ins, instructions: [] });
    } else if (current !== undefined) {
      current.instructions.push(ins);
    } else if (ins.kind === 'ARG') {
      globalArgs.push(ins);
    } else {
      throw syntaxError(`${ins.kind} before the first FROM: only ARG may come before FROM`, loc);
    }
  }
  if (stages.length === 0) {
    const first = lines[0] ?? { line: 1, endLine: 1 };
    throw syntaxError('no FROM instruction: the Dockerfile has no stage to build', {
      file,
      line: first.line,
      endLine: first.endLine,
    });
  }
  return { dockerfile: { directives, globalArgs, stages: stages.map(closeStage) }, facts: { lines: facts } };
}
