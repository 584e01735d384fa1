import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../../bin/tsbuild');

export interface TsbuildRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `bin/tsbuild` (compiled dist/) as a subprocess; stdin is closed unless `stdinFile` is piped in. */
export function runTsbuild(args: readonly string[], env: Record<string, string> = {}, stdinFile?: string): Promise<TsbuildRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: [stdinFile === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (stdinFile !== undefined) createReadStream(stdinFile).pipe(child.stdin!);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
