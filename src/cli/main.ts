/**
 * The program's single exit point: the only code that reads argv, the environment and the
 * terminal, prints errors for people, and chooses the exit code (0 ok, 1 build failed, 2 usage).
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, formatError, silentLogger, type Logger } from '../log/index.js';
import { TsbuildError } from '../oci/index.js';
import { parseArgs } from './parse-args.js';
import { runBuild } from './run-build.js';
import { runWarmer } from './run-warmer.js';
import { enterUserNamespace } from './rootless.js';
import { workDirBase } from './work-dir.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function main(): Promise<number> {
  let logger: Logger = silentLogger();
  let workDir: string | undefined;
  try {
    const parsed = parseArgs(process.argv.slice(2), { env: process.env, isTTY: process.stderr.isTTY === true, version: version() });
    if (parsed.kind === 'help' || parsed.kind === 'version') {
      process.stdout.write(`${parsed.text}\n`);
      return 0;
    }
    if (parsed.kind === 'warmer') {
      logger = createLogger({ format: parsed.options.logFormat, level: parsed.options.verbosity, destination: 2 });
      await runWarmer(parsed.options, { env: process.env, cwd: process.cwd(), logger });
      return 0;
    }
    const { options } = parsed;
    logger = createLogger({ format: options.logFormat, level: options.verbosity, destination: 2, fullTimestamps: options.logTimestamp });
    // The executor image sets TSBUILD_WORK_DIR=/kaniko; each run gets its own directory there,
    // removed in `finally`, so builds in one container behave like builds in fresh ones.
    const base = workDirBase(options.kanikoDir, process.env, tmpdir());
    await mkdir(base, { recursive: true });
    workDir = userns.removeOnInterrupt(await mkdtemp(join(base, 'tsbuild-')));
    await runBuild(options, {
      env: process.env,
      cwd: process.cwd(),
      workDir,
      logger,
      output: { stdout: process.stdout, stderr: process.stderr },
      // Touched only for tar://stdin: an opened stdin could keep the process alive.
      stdin: () => process.stdin,
      owner: { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
    });
    return 0;
  } catch (err) {
    const exitCode = err instanceof TsbuildError ? err.exitCode : 1;
    if (exitCode === 2) process.stderr.write(`tsbuild: ${(err as Error).message}\nRun 'tsbuild --help' for usage.\n`);
    else process.stderr.write(`${formatError(err)}\n`);
    logger.debug({ err }, 'failure details');
    return exitCode;
  } finally {
    if (workDir) await rm(workDir, { recursive: true, force: true }).catch(() => {});
  }
}

const userns = await enterUserNamespace(process);
process.exitCode = userns.exitCode ?? (await main());
