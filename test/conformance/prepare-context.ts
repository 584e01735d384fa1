/**
 * A case's build inputs, made fresh in a temp dir for each builder: a copy of `context/`, the
 * steps git cannot store applied to it (owners, special bits, hardlinks, xattrs, archives), and
 * the Dockerfile with `@BASE@` replaced by the test registry's base image (only `COPY
 * --from=<image>` needs it: Docker does not expand variables in `--from`).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ConformanceCase, ContextOp } from './cases.js';

/** Where a builder finds a prepared case. */
export interface PreparedCase {
  readonly context: string;
  readonly dockerfile: string;
}

function apply(ctx: string, op: ContextOp): void {
  const at = join(ctx, op.path);
  switch (op.op) {
    case 'chmod':
      return chmodSync(at, parseInt(op.mode, 8));
    case 'chown':
      return chownSync(at, op.uid, op.gid);
    case 'mkdir':
      return void mkdirSync(at, { recursive: true });
    case 'hardlink':
      return linkSync(join(ctx, op.target), at);
    case 'symlink':
      return symlinkSync(op.target, at);
    case 'setcap':
      return void execFileSync('setfattr', ['-n', 'security.capability', '-v', `0x${op.value}`, at]);
    case 'tar':
      // Numeric owners and sorted names: the archive's headers carry the ops' owners and modes.
      return void execFileSync('tar', ['--numeric-owner', '--sort=name', op.compress === 'gzip' ? '-czf' : '-cf', at, '-C', join(ctx, op.dir), '.']);
    case 'remove':
      return rmSync(at, { recursive: true, force: true });
  }
}

/** Copies the case into `dir` (a fresh temp dir) and returns the context and Dockerfile paths. */
export function prepareCase(c: ConformanceCase, dir: string, base: string): PreparedCase {
  const context = join(dir, 'context');
  mkdirSync(dir, { recursive: true });
  if (existsSync(join(c.dir, 'context'))) execFileSync('cp', ['-a', join(c.dir, 'context'), context]);
  else mkdirSync(context);
  for (const op of c.expected.contextOps ?? []) apply(context, op);
  const rel = c.expected.dockerfile ?? 'Dockerfile';
  // A Dockerfile inside context/ stays there (its `<name>.dockerignore` sits beside it).
  const dockerfile = rel.startsWith('context/') ? join(context, rel.slice('context/'.length)) : join(dir, rel);
  mkdirSync(dirname(dockerfile), { recursive: true });
  writeFileSync(dockerfile, readFileSync(join(c.dir, rel), 'utf8').replaceAll('@BASE@', base));
  return { context, dockerfile };
}
