/**
 * What goes into the cache key of each cacheable step (RUN, COPY, ADD, WORKDIR), computed from the
 * step's context before anything runs. See cache/keys.ts for why each field is there. ADD from git
 * is keyed by the commit `git ls-remote` resolves its ref to now (as BuildKit keys its git
 * source), and ADD from a URL by its `--checksum` or else the downloaded content (add-url-key.ts):
 * changed content misses, unchanged content hits.
 */
import { isGitSource, isUrlSource, resolveCopySources } from '../context/index.js';
import type { AddInstruction, CopyInstruction, Instruction, RunInstruction, WorkdirInstruction } from '../dockerfile/index.js';
import { sourceDigest, type StepKeyInput } from '../cache/index.js';
import { runEnvironment } from './arg-scope.js';
import { gitKeyInputs } from './add-git.js';
import { urlKeyInputs } from './add-url-key.js';
import { copySourceOptions } from './copy-options.js';
import { historyText } from './history-text.js';
import { runMountInputs } from './run-key-inputs.js';
import { workdirConfig } from './instructions/workdir.js';
import type { StepContext } from './types.js';
import type { ContainerConfig } from '../oci/index.js';

/** The instructions the cache can stand in for. */
export type CacheableInstruction = RunInstruction | CopyInstruction | AddInstruction | WorkdirInstruction;

/** True for RUN, COPY, ADD and WORKDIR. */
export function isCacheable(ins: Instruction): ins is CacheableInstruction {
  return ins.kind === 'RUN' || ins.kind === 'COPY' || ins.kind === 'ADD' || ins.kind === 'WORKDIR';
}

/** The config a cacheable step leaves behind: the pure part of its handler. */
export function cacheableConfig(ins: CacheableInstruction, step: StepContext): ContainerConfig {
  return ins.kind === 'WORKDIR' ? workdirConfig(ins, step) : step.config;
}

/** The inputs of `COPY --from=<from>` for the key, given the expanded patterns; undefined when unknowable. */
export type FromInputs = (from: string, patterns: readonly string[]) => Promise<string | undefined>;

const optional = (step: StepContext, word: string | undefined) => (word === undefined ? null : step.expand(word));

/**
 * Everything the parser recorded about the instruction except where it stands (`loc`) and its
 * raw text, named generically so a flag or field the parser gains (heredoc bodies, `--mount`,
 * `--exclude` …) is in the key from the start instead of being silently left out.
 */
function parsedFields(ins: CacheableInstruction): string {
  const { loc: _loc, original: _original, ...rest } = ins;
  return JSON.stringify(rest);
}

/** Flag values as expanded (booleans as they are), sorted by name. */
function expandedFlags(flags: Readonly<Record<string, unknown>>, step: StepContext): [string, unknown][] {
  const expandValue = (v: unknown): unknown => (typeof v === 'string' ? step.expand(v) : Array.isArray(v) ? v.map(expandValue) : v);
  return Object.entries(flags)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => [k, expandValue(v)]);
}

/** The key input of `ins`, or undefined when it cannot be known before the step runs. */
export async function stepKeyInput(ins: CacheableInstruction, step: StepContext, escape: string, fromInputs: FromInputs): Promise<StepKeyInput | undefined> {
  const user = step.config.User ?? '';
  const workdir = step.config.WorkingDir ?? '';
  switch (ins.kind) {
    case 'RUN': {
      const inputs = await runMountInputs(ins, step, fromInputs);
      if (inputs === undefined) return undefined;
      return {
        // Unexpanded, as in history: the shell expands it, with the env below.
        instruction: JSON.stringify([historyText(ins, escape), parsedFields(ins)]),
        env: runEnvironment(step.config.Env, step.args),
        args: new Map(step.args.entries()),
        user,
        workdir,
        shell: step.shell,
        ...(inputs === '' ? {} : { inputs }),
      };
    }
    case 'WORKDIR':
      return { instruction: `WORKDIR ${workdirConfig(ins, step).WorkingDir ?? ''}`, user, workdir };
    case 'COPY':
    case 'ADD': {
      const patterns = ins.sources.map((s) => step.expand(s));
      const dest = step.expand(ins.dest);
      const chown = optional(step, ins.flags.chown);
      const chmod = optional(step, ins.flags.chmod);
      const from = ins.kind === 'COPY' ? ins.flags.from : undefined;
      const instruction = JSON.stringify([ins.kind, patterns, dest, expandedFlags(ins.flags, step), parsedFields(ins)]);
      // Heredoc bodies may be expanded with the environment when the files are written.
      const heredocs = 'heredocs' in ins && Array.isArray(ins.heredocs) && ins.heredocs.length > 0;
      let inputs: string | undefined;
      const git = ins.kind === 'ADD' ? patterns.filter(isGitSource) : [];
      const urls = ins.kind === 'ADD' ? patterns.filter((p) => isUrlSource(p) && !git.includes(p)) : [];
      if (from !== undefined) inputs = await fromInputs(from, patterns);
      // COPY of a URL: the handler refuses it, so the step has no key.
      else if (ins.kind === 'COPY' && patterns.some(isUrlSource)) inputs = undefined;
      else {
        // The same --exclude / --parents selection the handler copies, so the digest covers exactly those files.
        const local = patterns.filter((p) => !git.includes(p) && !urls.includes(p));
        const sources = await resolveCopySources(step.context, local, copySourceOptions(ins, step));
        inputs = await sourceDigest(sources, { dest, ...(chown === null ? {} : { chown }), ...(chmod === null ? {} : { chmod }) });
        if (ins.kind === 'ADD' && git.length > 0) inputs = JSON.stringify([inputs, await gitKeyInputs(git, ins, step)]);
        if (ins.kind === 'ADD' && urls.length > 0) inputs = JSON.stringify([inputs, await urlKeyInputs(urls, ins, step)]);
      }
      if (inputs === undefined) return undefined;
      return { instruction, user, workdir, inputs, ...(heredocs ? { env: runEnvironment(step.config.Env, step.args) } : {}) };
    }
  }
}
