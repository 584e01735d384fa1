import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDirInRoot, lookupUser } from '../../fs/index.js';
import { DEFAULT_PATH_ENV } from '../../image/index.js';
import { runEnvironment } from '../arg-scope.js';
import { runCommand } from '../run-command.js';
import { RunFailedError } from '../run-failed-error.js';
import { runMounts } from '../run-mounts.js';
import type { Handler, StepContext } from '../types.js';

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

/**
 * RUN: the command runs in the sandbox against the stage's rootfs; the snapshot scans after.
 * Its heredoc script, secrets and throwaway copies live in a scratch directory of this RUN's
 * own, outside the rootfs, removed when the command ends.
 */
export const run: Handler<'RUN'> = async (ins, step) => {
  const root = await step.rootfs();
  await step.beforeChanges();
  const who = await lookupUser(root, step.config.User || '0');
  const cwd = step.config.WorkingDir || '/';
  // runc creates a missing working directory; the scan then records it like any other change.
  ensureDirInRoot(root, cwd, { uid: 0, gid: 0 });
  const scratch = await mkdtemp(join(step.scratchDir, 'run-'));
  try {
    const command = await runCommand(ins, step.shell, scratch);
    const mounts = await runMounts(ins, step, scratch);
    const isolation = await step.isolation();
    try {
      const result = await isolation.run({
        root,
        argv: command.argv,
        env: [...runEnv(step, who.home), ...mounts.env],
        cwd,
        uid: who.uid,
        gid: who.gid,
        groups: who.groups,
        network: ins.network ?? 'default',
        mounts: [...command.mounts, ...mounts.mounts],
        stdout: step.output.stdout,
        stderr: step.output.stderr,
      });
      if (result.exitCode !== 0) throw new RunFailedError(command.argv, result.exitCode, result.signal);
    } finally {
      await mounts.release();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return { kind: 'scan', config: step.config };
};
