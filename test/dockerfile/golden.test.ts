import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../../src/dockerfile/index.js';

const ROOT = join(import.meta.dirname, '../../fixtures/dockerfile');
const CASES = readdirSync(ROOT, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe('golden Dockerfiles', () => {
  it('has the cases the parser must cover', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(15);
  });

  it.each(CASES)('%s', (name) => {
    const text = readFileSync(join(ROOT, name, 'Dockerfile'), 'utf8');
    const expected: unknown = JSON.parse(readFileSync(join(ROOT, name, 'expected.json'), 'utf8'));
    // Round-trip through JSON so the comparison is on plain data, as the fixture is.
    expect(JSON.parse(JSON.stringify(parseDockerfile(text)))).toEqual(expected);
  });
});
