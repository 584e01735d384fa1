import { describe, expect, it } from 'vitest';
import {
  ALL_FEATURES,
  DockerfileError,
  heredocData,
  heredocFileContent,
  heredocRun,
  parseDockerfile,
  type Instruction,
  type ParseOptions,
  type RunInstruction,
} from '../../src/dockerfile/index.js';

const ON: ParseOptions = { features: ALL_FEATURES };

function only(text: string, options: ParseOptions = ON): Instruction {
  const ins = parseDockerfile(`FROM a\n${text}`, 'Dockerfile', options).stages[0]?.instructions;
  expect(ins).toHaveLength(1);
  return ins?.[0] as Instruction;
}

function run(text: string): RunInstruction {
  const ins = only(text);
  if (ins.kind !== 'RUN') throw new Error(`expected RUN, got ${ins.kind}`);
  return ins;
}

function parseError(text: string, options: ParseOptions = ON): DockerfileError {
  try {
    parseDockerfile(text, 'Dockerfile', options);
  } catch (err) {
    if (err instanceof DockerfileError) return err;
    throw err;
  }
  throw new Error('expected a DockerfileError');
}

describe('heredocs with the feature on', () => {
  it('reads the delimiter forms as BuildKit does', () => {
    const names = (line: string) => run(`${line}\nx\nEOF\n`).heredocs?.map((h) => [h.name, h.expand, h.chomp]);
    expect(names('RUN <<EOF')).toEqual([['EOF', true, false]]);
    expect(names('RUN <<"EOF"')).toEqual([['EOF', false, false]]);
    expect(names("RUN <<'EOF'")).toEqual([['EOF', false, false]]);
    expect(names('RUN <<E"O"F')).toEqual([['EOF', false, false]]);
    expect(names('RUN <<-EOF')).toEqual([['EOF', true, true]]);
    expect(names('RUN 3<<EOF cat /dev/fd/3')).toEqual([['EOF', true, false]]);
  });

  it('ends a <<- body at a tab-indented delimiter and strips tabs only when the body is used', () => {
    const r = run('RUN <<-EOF\n\t\tline one\n\t  two\n\tEOF\n');
    expect(r.heredocs?.[0]?.content).toBe('\t\tline one\n\t  two\n');
    expect(heredocData(r.heredocs?.[0] ?? { name: '', content: '', expand: true, chomp: false })).toBe('line one\n  two\n');
    expect(heredocRun(r)).toEqual({ kind: 'shell', command: 'line one\n  two\n' });
  });

  it('does not end a plain << body at a tab-indented delimiter', () => {
    expect(run('RUN <<EOF\n\tEOF\nEOF\n').heredocs?.[0]?.content).toBe('\tEOF\n');
  });

  it('keeps comments, blank lines and continuation characters of a body verbatim', () => {
    const r = run('RUN <<EOF\n# comment\n\necho a \\\nEOF\n');
    expect(r.heredocs?.[0]?.content).toBe('# comment\n\necho a \\\n');
    expect(r.loc).toEqual({ file: 'Dockerfile', line: 2, endLine: 6 });
  });

  it('gives the instruction after a heredoc its own line numbers', () => {
    const df = parseDockerfile('FROM a\nRUN <<EOF\nx\nEOF\nRUN after\n', 'Dockerfile', ON);
    expect(df.stages[0]?.instructions.map((i) => [i.loc.line, i.loc.endLine])).toEqual([
      [2, 4],
      [5, 5],
    ]);
  });

  it('turns each RUN shape into what BuildKit runs', () => {
    expect(heredocRun(run('RUN <<EOF\necho hi\nEOF\n'))).toEqual({ kind: 'shell', command: 'echo hi\n' });
    expect(heredocRun(run('RUN <<EOF\n#!/bin/sh -e\necho hi\nEOF\n'))).toEqual({
      kind: 'script',
      name: 'EOF',
      data: '#!/bin/sh -e\necho hi\n',
      mode: 0o755,
      path: '/dev/pipes/EOF',
    });
    expect(heredocRun(run('RUN cat <<a <<-b >/x\none\na\n\ttwo\n\tb\n'))).toEqual({
      kind: 'shell',
      command: 'cat <<a <<-b >/x\none\na\n\ttwo\nb',
    });
    expect(heredocRun(run('RUN echo plain'))).toBeUndefined();
  });

  it('reads no heredoc in exec form or in quoted words', () => {
    expect(run('RUN ["cat", "<<EOF"]').heredocs).toBeUndefined();
    expect(run('RUN echo "<<EOF" \'<<X\'').heredocs).toBeUndefined();
  });

  it('expands a COPY heredoc body as BuildKit does: quotes kept, $V and escapes processed, unless the delimiter was quoted', () => {
    const c = only('COPY <<a <<-"b" /d/\necho "$V" \'$V\' ${U:-u} \\$V\na\n\t$V\n\tb\n');
    const docs = c.kind === 'COPY' ? (c.heredocs ?? []) : [];
    const env = (name: string) => (name === 'V' ? 'v' : undefined);
    expect(heredocFileContent(docs[0]!, env)).toEqual({ value: 'echo "v" \'v\' u $V\n', used: new Set(['V', 'U']) });
    expect(heredocFileContent(docs[1]!, env)).toEqual({ value: '$V\n', used: new Set() });
  });

  it('takes COPY heredoc words out of the sources, in order', () => {
    const c = only('COPY x <<a y <<"b" /d/\nA $V\na\nB $V\nb\n');
    expect(c).toMatchObject({ kind: 'COPY', sources: ['x', 'y'], dest: '/d/' });
    expect(c.kind === 'COPY' && c.heredocs?.map((h) => [h.name, h.content, h.expand])).toEqual([
      ['a', 'A $V\n', true],
      ['b', 'B $V\n', false],
    ]);
  });
});

// Dockerfile | options | code | line | message contains
const ERRORS: readonly (readonly [string, ParseOptions, DockerfileError['code'], number, string])[] = [
  ['FROM a\nRUN <<EOF\necho hi\n', ON, 'TSB_DOCKERFILE_SYNTAX', 2, 'unterminated heredoc <<EOF'],
  ['FROM a\nRUN true\nRUN cat <<a <<b\none\na\ntwo\n', ON, 'TSB_DOCKERFILE_SYNTAX', 3, 'unterminated heredoc <<b'],
  ['FROM a\nRUN <<EOF\n\tEOF\n', ON, 'TSB_DOCKERFILE_SYNTAX', 2, 'unterminated heredoc'],
  ['FROM a\nCOPY <<EOF <<DST\nx\nEOF\ny\nDST\n', ON, 'TSB_DOCKERFILE_SYNTAX', 2, 'COPY cannot accept a heredoc as a destination'],
  ['FROM a\nONBUILD RUN <<EOF\nx\nEOF\n', ON, 'TSB_DOCKERFILE_UNSUPPORTED', 2, 'ONBUILD with a heredoc is not supported'],
  // with the feature off (the default) heredocs stay refused
  ['FROM a\nRUN <<EOF\necho hi\nEOF\n', {}, 'TSB_DOCKERFILE_UNSUPPORTED', 2, 'heredoc (<<EOF) is not supported yet'],
  ['FROM a\nCOPY <<EOF /x\nhi\nEOF\n', { features: { runMounts: true } }, 'TSB_DOCKERFILE_UNSUPPORTED', 2, 'COPY with a heredoc'],
];

describe('heredoc errors', () => {
  it.each(ERRORS)('%j %j', (text, options, code, line, contains) => {
    const err = parseError(text, options);
    expect(err.code).toBe(code);
    expect(err.line).toBe(line);
    expect(err.message).toContain(contains);
  });

  it('spans an unterminated heredoc to the end of the file', () => {
    expect(parseError('FROM a\nRUN <<EOF\none\ntwo\n').ranges).toEqual([{ line: 2, endLine: 4 }]);
  });
});
