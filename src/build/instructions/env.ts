import { setEnv } from '../arg-scope.js';
import type { Handler } from '../types.js';

/**
 * ENV: every pair on the line is expanded with the environment as it was before the line
 * (Docker: `ENV a=x b=$a` gives b the old a), then set in order. The names set now win over
 * ARGs declared earlier with the same names.
 */
export const env: Handler<'ENV'> = async (ins, step) => {
  const pairs = ins.pairs.map((p) => [step.expand(p.key), step.expand(p.value)] as const);
  let list = step.config.Env ?? [];
  for (const [key, value] of pairs) list = setEnv(list, key, value);
  return { kind: 'config', config: { ...step.config, Env: list }, args: step.args.afterEnv(pairs.map(([key]) => key)) };
};
