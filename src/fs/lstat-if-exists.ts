import { lstatSync, type Stats } from 'node:fs';

/** lstat, or undefined when nothing is there (ENOENT, or a path through a non-directory). */
export function lstatIfExists(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}
