import { describe, expect, it } from 'vitest';
import { ExpandError, expand, expandWords } from '../../src/dockerfile/index.js';

/** The environment every row uses unless it gives its own. NULL is set and empty. */
const ENV: Record<string, string> = {
  PWD: '/home',
  SHELL: 'bash',
  KOREAN: '한국어',
  NULL: '',
  V: 'path/to/file.tar.gz',
  W: 'a/b/a/b',
  space: 'abc  def',
  leading: '  ab c',
  trailing: 'ab c  ',
};
const lookup = (env: Record<string, string>) => (name: string) => (Object.hasOwn(env, name) ? env[name] : undefined);
const ERROR = Symbol('error');

// input | env | expected (ProcessWord), after BuildKit's envVarTest and lexer tests plus our own edge cases.
const E = ENV;
const WORD: readonly (readonly [string, Record<string, string>, string | typeof ERROR])[] = [
  ['hello', E, 'hello'],
  ["he'll'o", E, 'hello'],
  ["he'llo", E, ERROR],
  ["he\\'llo", E, "he'llo"],
  ["he\\\\'llo", E, ERROR],
  ['abc\\tdef', E, 'abctdef'],
  ['"abc\\tdef"', E, 'abc\\tdef'],
  ['"abc\\\\tdef"', E, 'abc\\tdef'],
  ["'abc\\tdef'", E, 'abc\\tdef'],
  ['hello\\', E, 'hello'],
  ['hello\\\\', E, 'hello\\'],
  ['"hello', E, ERROR],
  ['"hello\\"', E, ERROR],
  ['"hel\'lo"', E, "hel'lo"],
  ["'hello", E, ERROR],
  ["'hello\\'", E, 'hello\\'],
  ["'hello\\there'", E, 'hello\\there'],
  ['"\'\'"', E, "''"],
  ['$.', E, '$.'],
  ['$', E, '$'],
  ['a$ b', E, 'a$ b'],
  ['he$1x', E, 'hex'],
  ['he$.x', E, 'he$.x'],
  ['$$', E, ''],
  ['he$pwd.', E, 'he.'],
  ['he$PWD', E, 'he/home'],
  ['he\\$PWD', E, 'he$PWD'],
  ['he\\\\$PWD', E, 'he\\/home'],
  ['"he\\$PWD"', E, 'he$PWD'],
  ['"he\\\\$PWD"', E, 'he\\/home'],
  ['\\${}', E, '${}'],
  ['he\\${}xx', E, 'he${}xx'],
  ['${}', E, ERROR],
  ['he${}xx', E, ERROR],
  ['${:}', E, ERROR],
  ['${{x}', E, ERROR],
  ['he${hi}xx', E, 'hexx'],
  ['he${PWD}', E, 'he/home'],
  ['he${.}', E, ERROR],
  ['he${PWD', E, ERROR],
  ['${', E, ERROR],
  ['he${XXX:-000}xx', E, 'he000xx'],
  ['he${PWD:-000}xx', E, 'he/homexx'],
  ['he${XXX:-$PWD}xx', E, 'he/homexx'],
  ['he${XXX:-${PWD:-yyy}}xx', E, 'he/homexx'],
  ['he${XXX:-${YYY:-yyy}}xx', E, 'heyyyxx'],
  ["${XXX:-'a  b'}", E, 'a  b'],
  ['${XXX:-"$PWD x"}', E, '/home x'],
  ['he${XXX:-000', E, ERROR],
  ['he${XXX:YYY}', E, ERROR],
  ['he${PWD:=000}xx', E, ERROR],
  ['he${PWD@}', E, ERROR],
  ['${NULL-d}', E, ''],
  ['${NULL:-d}', E, 'd'],
  ['${XXX-d}', E, 'd'],
  ['${NULL+x}', E, 'x'],
  ['${NULL:+x}', E, ''],
  ['${XXX+x}', E, ''],
  ['he${XXX:+${PWD}}xx', E, 'hexx'],
  ['he${PWD:+${XXX}}xx', E, 'hexx'],
  ['he${PWD:+${SHELL}}xx', E, 'hebashxx'],
  ['he${PWD:+000}xx', E, 'he000xx'],
  ['he${XXX?}', E, ERROR],
  ['he${XXX:?}', E, ERROR],
  ['he${PWD?}', E, 'he/home'],
  ['he${PWD:?}', E, 'he/home'],
  ['he${NULL?}', E, 'he'],
  ['he${NULL:?}', E, ERROR],
  ["'he${XX}'", E, 'he${XX}'],
  ['"he${PWD}"', E, 'he/home'],
  ['"he\'$PWD\'"', E, "he'/home'"],
  ["'\\$PWD'", E, '\\$PWD'],
  ['he${PWD:+${PWD}:}xx', E, 'he/home:xx'],
  ['he${XXX:-\\$PWD:}xx', E, 'he$PWD:xx'],
  ['he${XXX:-\\${PWD}z}xx', E, 'he${PWDz}xx'],
  ['${XXX:-\\}}', E, '}'],
  ['안녕\\\'하세요', E, "안녕'하세요"],
  ['안녕$KOREAN', E, '안녕한국어'],
  ['envs=${KOREAN}', E, 'envs=한국어'],
  // Glob patterns: # and % take the shortest match, ## and %% the longest.
  ['${V#*/}', E, 'to/file.tar.gz'],
  ['${V##*/}', E, 'file.tar.gz'],
  ['${V%.*}', E, 'path/to/file.tar'],
  ['${V%%.*}', E, 'path/to/file'],
  ['${V#p?th/}', E, 'to/file.tar.gz'],
  ['${V#nomatch}', E, 'path/to/file.tar.gz'],
  ['${V#\\*}', E, 'path/to/file.tar.gz'],
  ['${V#x\\y}', E, ERROR],
  ['${V:#x}', E, ERROR],
  ['${V:%x}', E, ERROR],
  ['${XXX%%.*}', E, ''],
  ['${V/to/from}', E, 'path/from/file.tar.gz'],
  ['${V//t/T}', E, 'paTh/To/file.Tar.gz'],
  ['${V/*./X}', E, 'Xgz'],
  ['${V/#path/P}', E, 'path/to/file.tar.gz'],
  ['${W//a\\/b/x}', E, 'x/x'],
  ['${XXX//*/y}', E, 'y'],
  ['${V//*/y}', E, 'y'],
  ['${V/.tar}', E, ERROR],
  ['${V/a/b', E, ERROR],
  // rows with their own environment
  ['${A}', { A: 'x  y' }, 'x  y'],
  ['${A:-d}', { A: '' }, 'd'],
  ['${A-d}', { A: '' }, ''],
  ['$A$B', { A: '1', B: '2' }, '12'],
  ['${ÄÖ}x', { ÄÖ: 'u' }, 'ux'],
  ['${A%%/*}', { A: '/usr/local/bin' }, ''],
  ['${A%/*}', { A: '/usr/local/bin' }, '/usr/local'],
  ['${A##*.}', { A: 'archive.tar.gz' }, 'gz'],
  ['${A//\\*/-}', { A: 'a*b*c' }, 'a-b-c'],
];

// input | expected words (ProcessWords), after BuildKit's wordsTest.
const WORDS: readonly (readonly [string, string[]])[] = [
  ['hello', ['hello']],
  ['hello${hi}bye', ['hellobye']],
  ['hello${SHELL}bye', ['hellobashbye']],
  ['hello${space}bye', ['helloabc', 'defbye']],
  ['hello"${space}"bye', ['helloabc  defbye']],
  ['hello "${space}"bye', ['hello', 'abc  defbye']],
  ['hello${space}${leading}d', ['helloabc', 'def', 'ab', 'cd']],
  ['hello"${space}""${leading}"d', ['helloabc  def  ab cd']],
  ['${space}${leading}d', ['abc', 'def', 'ab', 'cd']],
  ['hello${space}${trailing}d', ['helloabc', 'defab', 'c', 'd']],
  ['  a   b  ', ['a', 'b']],
  ['a\\ b c', ['a b', 'c']],
  ["'a b' \"c d\"", ['a b', 'c d']],
  ['""', []],
  ['a "" b', ['a', 'b']],
  ['x${XXX:-a b}', ['xa', 'b']],
  ['80/tcp ${PORTS:-443 8080}', ['80/tcp', '443', '8080']],
];

describe('expand', () => {
  it.each(WORD)('%s', (input, env, expected) => {
    if (expected === ERROR) {
      expect(() => expand(input, lookup(env))).toThrow(ExpandError);
    } else {
      expect(expand(input, lookup(env)).value).toBe(expected);
    }
  });

  it('honours the backtick escape directive', () => {
    const env = lookup({ PWD: '/home' });
    const bt = { escape: '`' } as const;
    expect(expand('C:\\path\\$PWD', env, bt).value).toBe('C:\\path\\/home');
    expect(expand('he`$PWD', env, bt).value).toBe('he$PWD');
    expect(expand('"a`"b"', env, bt).value).toBe('a"b');
    expect(expand('"a\\b"', env, bt).value).toBe('a\\b');
    expect(expandWords('a` b c', env, bt).values).toEqual(['a b', 'c']);
  });

  it('reports every variable looked up, set or not, for cache keys', () => {
    expect([...expand('${A:-$B}$A', lookup({ A: '' })).used].sort()).toEqual(['A', 'B']);
    expect([...expand("'$A' \\$B", lookup({})).used]).toEqual([]);
    expect([...expand('"${C}"', lookup({})).used]).toEqual(['C']);
  });

  it('fails with TSB_DOCKERFILE_EXPAND and the user message for ${V:?msg}', () => {
    expect(() => expand('${TOKEN:?must be set for the build}', lookup({}))).toThrow(
      expect.objectContaining({ code: 'TSB_DOCKERFILE_EXPAND', message: expect.stringContaining('TOKEN: must be set for the build') }),
    );
  });

  it('names unterminated substitutions and unknown modifiers', () => {
    expect(() => expand('${A', lookup({}))).toThrow("missing '}'");
    expect(() => expand('${A:-x', lookup({}))).toThrow("missing '}'");
    expect(() => expand('${A:=x}', lookup({}))).toThrow('unsupported modifier (:=)');
  });
});

describe('expandWords', () => {
  it.each(WORDS)('%s', (input, expected) => {
    expect(expandWords(input, lookup(ENV)).values).toEqual(expected);
  });
});
