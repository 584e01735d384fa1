import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_FEATURES, parseDockerfile, type ParseOptions } from '../../src/dockerfile/index.js';

const ROOT = join(import.meta.dirname, '../../fixtures/dockerfile');
const CASES = readdirSync(ROOT, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe('golden Dockerfiles', () => {
  it('has the cases the parser must cover', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(15);
  });

  // A case with a `features` file is parsed with every parser feature on (heredocs, RUN and COPY flags, checks).
  const optionsOf = (name: string): ParseOptions => (existsSync(join(ROOT, name, 'features')) ? { features: ALL_FEATURES } : {});

  it.each(CASES)('%s', (name) => {
    const text = readFileSync(join(ROOT, name, 'Dockerfile'), 'utf8');
    const expected: unknown = JSON.parse(readFileSync(join(ROOT, name, 'expected.json'), 'utf8'));
    // Round-trip through JSON so the comparison is on plain data, as the fixture is.
    expect(JSON.parse(JSON.stringify(parseDockerfile(text, 'Dockerfile', optionsOf(name))))).toEqual(expected);
  });
});
