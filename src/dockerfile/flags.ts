/**
 * Instruction flags, validated against each instruction's own table (BuildKit's BFlags rules):
 * unknown flags, repeats of a non-repeatable flag and missing values are errors at the
 * instruction's line. Every flag Docker knows is in the tables; the ones tsbuild cannot honour
 * yet fail clearly instead of being ignored.
 */
import { DockerfileError, syntaxError } from './errors.js';
import type { FeatureName } from './features.js';
import type { InstructionNode } from './node.js';
import { didYouMean } from './suggest.js';

/** `string`: `--f=v` once; `strings`: repeatable; `bool`: `--f`, `--f=true|false`. */
export type FlagKind = 'string' | 'strings' | 'bool';

/**
 * One flag Docker knows for an instruction, and whether tsbuild implements it: always, never,
 * or once the builder turns the named parser feature on.
 */
export interface FlagSpec {
  readonly kind: FlagKind;
  readonly supported: boolean | FeatureName;
}

/** An instruction's flags by name (without `--`). */
export type FlagTable = Readonly<Record<string, FlagSpec>>;

type FlagValue<S extends FlagSpec> = S['kind'] extends 'bool'
  ? boolean
  : S['kind'] extends 'strings'
    ? readonly string[]
    : string;

/** The flags given, typed from the table; absent flags are absent. */
export type FlagValues<T extends FlagTable> = { -readonly [K in keyof T]?: FlagValue<T[K]> };

/** Validates `node.flags` against `table` and returns their values. */
export function parseFlags<T extends FlagTable>(node: InstructionNode, table: T): FlagValues<T> {
  const values: Record<string, string | string[] | boolean> = {};
  for (const raw of node.flags) {
    const body = raw.slice(2);
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const value = eq >= 0 ? body.slice(eq + 1) : undefined;
    const spec = Object.hasOwn(table, name) ? table[name] : undefined;
    if (spec === undefined) {
      const known = Object.keys(table).map((n) => `--${n}`);
      throw syntaxError(`unknown flag --${name} for ${node.kind}${didYouMean(`--${name}`, known)}`, node.loc);
    }
    if (name in values && spec.kind !== 'strings') throw syntaxError(`duplicate flag specified: --${name}`, node.loc);
    if (spec.kind === 'bool') {
      if (value === '') throw syntaxError(`missing a value on flag --${name}`, node.loc);
      const lower = (value ?? 'true').toLowerCase();
      if (lower !== 'true' && lower !== 'false') {
        throw syntaxError(`expecting boolean value for flag --${name}, not: ${value ?? ''}`, node.loc);
      }
      values[name] = lower === 'true';
    } else {
      if (value === undefined) throw syntaxError(`missing a value on flag --${name}`, node.loc);
      const previous = values[name];
      values[name] = spec.kind === 'strings' ? [...(Array.isArray(previous) ? previous : []), value] : value;
    }
    const supported = typeof spec.supported === 'boolean' ? spec.supported : node.features[spec.supported] === true;
    if (!supported && !node.trigger) {
      throw new DockerfileError('TSB_DOCKERFILE_UNSUPPORTED', `${node.kind} --${name} is not supported yet`, node.loc);
    }
  }
  return values as FlagValues<T>;
}
