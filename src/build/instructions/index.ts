/**
 * One handler per instruction kind. The table's type makes a missing handler a compile error;
 * FROM is not here because it starts a stage rather than running in one.
 */
import type { Instruction } from '../../dockerfile/index.js';
import { InternalError } from '../../oci/index.js';
import type { Handler, StepContext, StepResult } from '../types.js';
import { arg } from './arg.js';
import { cmd, entrypoint } from './cmd.js';
import { copy } from './copy.js';
import { env } from './env.js';
import { expose } from './expose.js';
import { label } from './label.js';
import { run } from './run.js';
import { user } from './user.js';
import { workdir } from './workdir.js';
import { add } from './add.js';
import { healthcheck } from './healthcheck.js';
import { maintainer, onbuild, shell, stopsignal, volume } from './metadata.js';

type StageInstruction = Exclude<Instruction, { kind: 'FROM' }>;

export const handlers: { readonly [K in StageInstruction['kind']]: Handler<K> } = {
  RUN: run,
  CMD: cmd,
  ENTRYPOINT: entrypoint,
  COPY: copy,
  ADD: add,
  ENV: env,
  ARG: arg,
  WORKDIR: workdir,
  USER: user,
  LABEL: label,
  EXPOSE: expose,
  VOLUME: volume,
  STOPSIGNAL: stopsignal,
  HEALTHCHECK: healthcheck,
  SHELL: shell,
  ONBUILD: onbuild,
  MAINTAINER: maintainer,
};

/** Runs the handler for `ins`. */
export function dispatch(ins: Instruction, step: StepContext): Promise<StepResult> {
  if (ins.kind === 'FROM') throw new InternalError('FROM reached the instruction dispatcher');
  const handler = handlers[ins.kind] as Handler<StageInstruction['kind']>;
  return handler(ins as never, step);
}
