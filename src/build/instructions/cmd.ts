import type { Handler } from '../types.js';
import { commandArgv } from './command-argv.js';

/** CMD: exec form as written, shell form wrapped in the stage's SHELL. */
export const cmd: Handler<'CMD'> = async (ins, step) => ({
  kind: 'config',
  config: { ...step.config, Cmd: commandArgv(ins.command, step.shell) },
});

/** ENTRYPOINT: also drops a CMD inherited from the base image (Docker's rule). */
export const entrypoint: Handler<'ENTRYPOINT'> = async (ins, step) => {
  const { Cmd, ...rest } = step.config;
  const config = { ...rest, Entrypoint: commandArgv(ins.command, step.shell) };
  return { kind: 'config', config: step.cmdSetInStage ? { ...config, Cmd } : { ...config, Cmd: null } };
};
