import { describe, expect, it } from 'vitest';
import { DockerfileError, parseDockerfile } from '../../src/dockerfile/index.js';

type Code = DockerfileError['code'];
const SYNTAX: Code = 'TSB_DOCKERFILE_SYNTAX';
const UNSUPPORTED: Code = 'TSB_DOCKERFILE_UNSUPPORTED';

function parseError(text: string, file?: string): DockerfileError {
  try {
    parseDockerfile(text, file);
  } catch (err) {
    if (err instanceof DockerfileError) return err;
    throw err;
  }
  throw new Error('expected a DockerfileError');
}

// Dockerfile | code | line | message contains
const CASES: readonly (readonly [string, Code, number, string])[] = [
  // file structure
  ['', SYNTAX, 1, 'file with no instructions'],
  ['# only\n\n# comments\n', SYNTAX, 3, 'file with no instructions'],
  ['ARG A=1\nARG B\n', SYNTAX, 1, 'no FROM'],
  ['ARG A\nRUN echo\nFROM a\n', SYNTAX, 2, 'RUN before the first FROM'],
  ['FROM a\nRUNN echo\n', SYNTAX, 2, 'unknown instruction: RUNN (did you mean RUN?)'],
  ['FROM a\nCOPPY a b\n', SYNTAX, 2, 'did you mean COPY?'],
  ['FROM a AS one\nFROM b AS ONE\n', SYNTAX, 2, 'duplicate stage name "one"'],
  // directives
  ['# escape=x\nFROM a\n', SYNTAX, 1, 'invalid escape token'],
  ['# escape=`\n# escape=\\\nFROM a\n', SYNTAX, 2, 'only one escape parser directive'],
  // flags
  ['FROM a\nCOPY --chmodd=644 a b\n', SYNTAX, 2, 'unknown flag --chmodd for COPY (did you mean --chmod?)'],
  ['FROM a\nCOPY --from=x --from=y a b\n', SYNTAX, 2, 'duplicate flag specified: --from'],
  ['FROM a\nCOPY --from a b\n', SYNTAX, 2, 'missing a value on flag --from'],
  ['FROM a\nCOPY --link=maybe a b\n', SYNTAX, 2, 'expecting boolean value for flag --link'],
  ['FROM a\nCMD --help\n', SYNTAX, 2, 'unknown flag --help for CMD'],
  ['FROM a\nENV --x=1 A=b\n', SYNTAX, 2, 'unknown flag --x for ENV'],
  ['FROM --plaform=linux/amd64 a\n', SYNTAX, 1, 'did you mean --platform?'],
  // unsupported flags: known to Docker, not implemented yet
  ['FROM a\nRUN --mount=type=cache,target=/root/.cache pip install x\n', UNSUPPORTED, 2, 'RUN --mount is not supported yet'],
  ['FROM a\nRUN --network=none true\n', UNSUPPORTED, 2, 'RUN --network is not supported yet'],
  ['FROM a\nRUN --security=insecure true\n', UNSUPPORTED, 2, 'RUN --security is not supported yet'],
  ['FROM a\nRUN --device=/dev/fuse true\n', UNSUPPORTED, 2, 'RUN --device is not supported yet'],
  ['FROM a\n\n\n\n\n\n\n\n\n\n\nCOPY --link a b\n', UNSUPPORTED, 12, 'COPY --link is not supported yet'],
  ['FROM a\nCOPY --parents a/b /c\n', UNSUPPORTED, 2, 'COPY --parents is not supported yet'],
  ['FROM a\nCOPY --exclude=*.md . /c\n', UNSUPPORTED, 2, 'COPY --exclude is not supported yet'],
  ['FROM a\nADD --link a b\n', UNSUPPORTED, 2, 'ADD --link is not supported yet'],
  ['FROM a\nADD --checksum=sha256:abc https://x/y /y\n', UNSUPPORTED, 2, 'ADD --checksum is not supported yet'],
  ['FROM a\nADD --keep-git-dir https://x/y.git /y\n', UNSUPPORTED, 2, 'ADD --keep-git-dir is not supported yet'],
  ['FROM a\nADD --unpack=true a.tar /y\n', UNSUPPORTED, 2, 'ADD --unpack is not supported yet'],
  ['FROM a\nADD --exclude=x . /y\n', UNSUPPORTED, 2, 'ADD --exclude is not supported yet'],
  // heredocs are refused, never read as ordinary words
  ['FROM a\nRUN <<EOF\necho hi\nEOF\n', UNSUPPORTED, 2, 'heredoc (<<EOF) is not supported yet'],
  ['FROM a\nRUN 3<<-"END" cat\nx\nEND\n', UNSUPPORTED, 2, 'heredoc'],
  ['FROM a\nCOPY <<EOF /etc/x\nhello\nEOF\n', UNSUPPORTED, 2, 'COPY with a heredoc'],
  ['FROM a\nRUN python3 - <<\'PY\' \\\n  && true\nprint(1)\nPY\n', UNSUPPORTED, 2, 'heredoc'],
  ['FROM a\nONBUILD RUN <<EOF\nx\nEOF\n', UNSUPPORTED, 2, 'heredoc'],
  // arguments
  ['FROM\n', SYNTAX, 1, 'FROM requires either one or three arguments'],
  ['FROM a b\n', SYNTAX, 1, 'FROM requires either one or three arguments'],
  ['FROM a AS 1st\n', SYNTAX, 1, 'invalid name for build stage'],
  ['FROM a\nCOPY onlyone\n', SYNTAX, 2, 'COPY requires at least two arguments'],
  ['FROM a\nADD\n', SYNTAX, 2, 'ADD requires at least two arguments'],
  ['FROM a\nCMD ["a", 1]\n', SYNTAX, 2, 'arrays must be comprised of strings only'],
  ['FROM a\nENV =x\n', SYNTAX, 2, 'ENV names can not be blank'],
  ['FROM a\nENV A\n', SYNTAX, 2, 'ENV must have two arguments'],
  ['FROM a\nENV a=b c\n', SYNTAX, 2, "can't find = in \"c\""],
  ['FROM a\nLABEL\n', SYNTAX, 2, 'LABEL requires at least one argument'],
  ['FROM a\nARG =x\n', SYNTAX, 2, 'ARG names can not be blank'],
  ['FROM a\nARG\n', SYNTAX, 2, 'ARG requires at least one argument'],
  ['FROM a\nWORKDIR\n', SYNTAX, 2, 'WORKDIR requires exactly one argument'],
  ['FROM a\nUSER\n', SYNTAX, 2, 'USER requires exactly one argument'],
  ['FROM a\nEXPOSE\n', SYNTAX, 2, 'EXPOSE requires at least one argument'],
  ['FROM a\nVOLUME ["/a", " "]\n', SYNTAX, 2, 'VOLUME specified can not be an empty string'],
  ['FROM a\nSHELL /bin/bash -c\n', SYNTAX, 2, 'SHELL requires the arguments to be in JSON form'],
  ['FROM a\nSHELL []\n', SYNTAX, 2, 'SHELL requires at least one argument'],
  ['FROM a\nHEALTHCHECK\n', SYNTAX, 2, 'HEALTHCHECK requires at least one argument'],
  ['FROM a\nHEALTHCHECK NONE now\n', SYNTAX, 2, 'HEALTHCHECK NONE takes no arguments'],
  ['FROM a\nHEALTHCHECK PING x\n', SYNTAX, 2, 'Unknown type "PING" in HEALTHCHECK (try CMD)'],
  ['FROM a\nHEALTHCHECK CMD\n', SYNTAX, 2, 'Missing command after HEALTHCHECK CMD'],
  ['FROM a\nHEALTHCHECK --interval=5 CMD x\n', SYNTAX, 2, 'invalid duration "5"'],
  ['FROM a\nHEALTHCHECK --timeout=10us CMD x\n', SYNTAX, 2, 'cannot be less than 1ms'],
  ['FROM a\nHEALTHCHECK --retries=-1 CMD x\n', SYNTAX, 2, '--retries cannot be negative'],
  ['FROM a\nHEALTHCHECK --retries=two CMD x\n', SYNTAX, 2, 'invalid --retries value'],
  // ONBUILD
  ['FROM a\nONBUILD\n', SYNTAX, 2, 'ONBUILD requires at least one argument'],
  ['FROM a\nONBUILD ONBUILD RUN x\n', SYNTAX, 2, 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed'],
  ['FROM a\nONBUILD FROM b\n', SYNTAX, 2, "FROM isn't allowed as an ONBUILD trigger"],
  ['FROM a\nONBUILD maintainer me\n', SYNTAX, 2, "MAINTAINER isn't allowed as an ONBUILD trigger"],
  ['FROM a\nONBUILD RUNN x\n', SYNTAX, 2, 'unknown instruction: RUNN'],
  ['FROM a\nONBUILD COPY --bogus a b\n', SYNTAX, 2, 'unknown flag --bogus for COPY'],
  ['FROM a\nONBUILD CMD ["a", 1]\n', SYNTAX, 2, 'strings only'],
];

describe('parse errors', () => {
  it.each(CASES)('%j', (text, code, line, contains) => {
    const err = parseError(text);
    expect(err.code).toBe(code);
    expect(err.line).toBe(line);
    expect(err.message).toContain(contains);
    expect(err.message.startsWith(`Dockerfile:${line}: `)).toBe(true);
  });

  it('names the file given and spans a continued instruction', () => {
    const err = parseError('FROM a\nCOPY --link \\\n  a \\\n  b\n', 'build/Dockerfile.prod');
    expect(err.message).toBe('build/Dockerfile.prod:2: COPY --link is not supported yet');
    expect(err.file).toBe('build/Dockerfile.prod');
    expect(err.ranges).toEqual([{ line: 2, endLine: 4 }]);
  });

  it('reads heredoc-looking text that is not a heredoc as ordinary words', () => {
    const df = parseDockerfile('FROM a\nRUN echo "<<EOF" a<<b\nRUN ["cat", "<<EOF"]\n');
    expect(df.stages[0]?.instructions.map((i) => i.kind)).toEqual(['RUN', 'RUN']);
  });

  it('accepts flags Docker knows inside ONBUILD, since the trigger runs in a later build', () => {
    const df = parseDockerfile('FROM a\nONBUILD RUN --mount=type=cache,target=/c make\n');
    expect(df.stages[0]?.instructions[0]).toMatchObject({ kind: 'ONBUILD', expression: 'RUN --mount=type=cache,target=/c make' });
  });
});
