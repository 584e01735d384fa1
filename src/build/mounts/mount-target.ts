import { posix } from 'node:path';

/** A mount target as BuildKit reads it: a relative one is under the working directory. */
export function mountTarget(target: string, workdir: string): string {
  return posix.resolve('/', workdir, target);
}
