/**
 * Running a small system binary (setfattr, mknod, mkfifo) for what Node's fs cannot do.
 * A missing binary is a clear error naming the Debian package, never a silent skip.
 */
import { spawn } from 'node:child_process';
import { TsbuildError } from '../oci/index.js';

/** What the tool reported when it exited non-zero. */
export interface ToolResult {
  readonly code: number;
  readonly stderr: string;
}

const STDERR_CAP = 4096;

/** Runs `file args`, resolving with its exit code and (capped) stderr. */
export function runTool(file: string, args: readonly string[], debianPackage: string): Promise<ToolResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < STDERR_CAP) stderr += chunk;
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        reject(
          new TsbuildError(
            'TSB_LAYER_INVALID',
            `${file} is needed to apply this layer but was not found in PATH (Debian package "${debianPackage}")`,
            { cause: error },
          ),
        );
        return;
      }
      reject(error);
    });
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stderr: stderr.trim() }));
  });
}

/** Runs a tool and throws a TsbuildError (with its stderr) when it fails. */
export async function runToolChecked(file: string, args: readonly string[], debianPackage: string): Promise<void> {
  const result = await runTool(file, args, debianPackage);
  if (result.code !== 0) {
    throw new TsbuildError('TSB_LAYER_INVALID', `${file} ${args.join(' ')} failed: ${result.stderr}`);
  }
}
