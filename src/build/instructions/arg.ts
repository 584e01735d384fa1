import type { Handler } from '../types.js';

/** ARG: declares names in the stage's scope; defaults are expanded when declared. */
export const arg: Handler<'ARG'> = async (ins, step) => {
  let args = step.args;
  for (const a of ins.args) args = args.declare(a.name, a.default === undefined ? undefined : step.expand(a.default));
  return { kind: 'config', config: step.config, args };
};
