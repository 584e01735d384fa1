import { describe, expect, it } from 'vitest';
import { compileComponent, hasWildcard } from '../../src/context/go-glob.js';

// Expected answers are Go's filepath.Match (see its match_test.go table).
const table: [pattern: string, name: string, matches: boolean][] = [
  ['abc', 'abc', true],
  ['*', 'abc', true],
  ['*', '.hidden', true],
  ['*c', 'abc', true],
  ['a*', 'a', true],
  ['a*b*c*d*e*', 'axbxcxdxe', true],
  ['ab[c]', 'abc', true],
  ['ab[b-d]', 'abc', true],
  ['ab[e-g]', 'abc', false],
  ['ab[^c]', 'abc', false],
  ['ab[^b-d]', 'abc', false],
  ['ab[^e-g]', 'abc', true],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'ab', false],
  ['a?b', 'a☺b', true],
  ['a[^a]b', 'a☺b', true],
  ['a???b', 'a☺b', false],
  ['[a-ζ]*', 'α', true],
  ['*[a-ζ]', 'A', false],
  ['[\\-]', '-', true],
  ['[x\\-]', 'z', false],
  ['[\\]a]', ']', true],
  ['f(1).{x}+$', 'f(1).{x}+$', true],
  ['a-b', 'a-b', true],
];
const bad = ['[]a]', '[-]', '[x-]', 'a[', 'a\\', '[a-b-c]', '[z-a]', '[\\'];

describe('Go filepath.Match per component', () => {
  it.each(table)('%s ~ %s → %s', (pattern, name, matches) => {
    expect(compileComponent(pattern, pattern).test(name)).toBe(matches);
  });
  it.each(bad)('%s is a bad pattern', (pattern) => {
    expect(() => compileComponent(pattern, pattern)).toThrow(expect.objectContaining({ code: 'TSB_COPY_SOURCE' }));
  });
  it('finds unescaped wildcards only', () => {
    expect(['a*', 'a?', 'a[b]', 'a\\*', 'plain'].map(hasWildcard)).toEqual([true, true, true, false, false]);
  });
});
