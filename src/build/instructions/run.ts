import { ensureDirInRoot, lookupUser } from '../../fs/index.js';
import { DEFAULT_PATH_ENV } from '../../image/index.js';
import { runEnvironment } from '../arg-scope.js';
import { RunFailedError } from '../run-failed-error.js';
import type { Handler, StepContext } from '../types.js';
import { commandArgv } from './command-argv.js';

/**
 * RUN's environment, as BuildKit gives it: ENV and ARGs in scope (see arg-scope), PATH when
 * neither has one, and HOME from the user's passwd entry (`/` without one) when unset.
 */
function runEnv(step: StepContext, home: string): string[] {
  const env = runEnvironment(step.config.Env, step.args);
  const has = (key: string) => env.some((kv) => kv.startsWith(`${key}=`));
  if (!has('PATH')) env.push(`PATH=${DEFAULT_PATH_ENV}`);
  if (!has('HOME')) env.push(`HOME=${home}`);
  return env;
}

/** RUN: the command runs in the sandbox against the stage's rootfs; the snapshot scans after. */
export const run: Handler<'RUN'> = async (ins, step) => {
  const root = await step.rootfs();
  await step.beforeChanges();
  const who = await lookupUser(root, step.config.User || '0');
  const cwd = step.config.WorkingDir || '/';
  // runc creates a missing working directory; the scan then records it like any other change.
  ensureDirInRoot(root, cwd, { uid: 0, gid: 0 });
  const argv = commandArgv(ins.command, step.shell);
  const isolation = await step.isolation();
  const result = await isolation.run({
    root,
    argv,
    env: runEnv(step, who.home),
    cwd,
    uid: who.uid,
    gid: who.gid,
    groups: who.groups,
    network: 'default',
    stdout: step.output.stdout,
    stderr: step.output.stderr,
  });
  if (result.exitCode !== 0) throw new RunFailedError(argv, result.exitCode, result.signal);
  return { kind: 'scan', config: step.config };
};
