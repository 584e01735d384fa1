/**
 * The part of a RUN's cache key its bind mounts bring: what they mount can change what the
 * command does, so their content counts, as in BuildKit (a context path by its files, another
 * stage or image by its key or digest). Cache mounts, tmpfs and secrets add nothing: a cache's
 * content is not an input (BuildKit ignores it too), and a secret's value must never reach a key.
 */
import { resolveCopySources } from '../context/index.js';
import { parseRunMount, type RunInstruction } from '../dockerfile/index.js';
import { sourceDigest } from '../cache/index.js';
import type { StepContext } from './types.js';

/** What `COPY --from=<from>` of `patterns` contributes to a key; undefined when unknowable. */
type FromInputs = (from: string, patterns: readonly string[]) => Promise<string | undefined>;

/** `undefined` when a bind's source cannot be known before the step runs; `''` without binds. */
export async function runMountInputs(ins: RunInstruction, step: StepContext, fromInputs: FromInputs): Promise<string | undefined> {
  const parts: string[] = [];
  for (const raw of ins.mounts ?? []) {
    const spec = parseRunMount(raw, ins.loc, step.expand);
    if (spec.type !== 'bind') continue;
    const source = spec.source.replace(/^\/+/, '') || '.';
    const inputs =
      spec.from === undefined
        ? await sourceDigest(await resolveCopySources(step.context, [source]), { dest: spec.target })
        : await fromInputs(spec.from, [source]);
    if (inputs === undefined) return undefined;
    parts.push(JSON.stringify([spec.target, spec.from ?? null, source, inputs]));
  }
  return parts.join('\n');
}
