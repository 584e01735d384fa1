/**
 * Wires a validated BuildOptions to the modules: registry clients for pull and push, the build
 * request, the isolation probe, and the outputs. No build logic lives here.
 */
import type { Writable } from 'node:stream';
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { buildImage, writeOutputs, type BuildRequest } from '../build/index.js';
import type { Logger } from '../log/index.js';
import { DEFAULT_PLATFORM, UsageError } from '../oci/index.js';
import { loadCredentials, RegistryClient, type CredentialStore } from '../registry/index.js';
import { probeIsolation, type Isolation } from '../sandbox/index.js';
import type { BuildOptions } from './options.js';

export interface RunEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly workDir: string;
  readonly logger: Logger;
  readonly output: { readonly stdout: Writable; readonly stderr: Writable };
}

/** kaniko resolves --dockerfile against the working directory first, then the context. */
function dockerfilePath(o: BuildOptions, contextDir: string, cwd: string): string {
  const given = o.dockerfile ?? 'Dockerfile';
  if (isAbsolute(given)) return given;
  const fromCwd = resolve(cwd, given);
  return o.dockerfile !== undefined && existsSync(fromCwd) ? fromCwd : resolve(contextDir, given);
}

function sourceDateEpoch(o: BuildOptions, env: RunEnvironment['env']): number | undefined {
  if (!o.reproducible) return undefined;
  const raw = env['SOURCE_DATE_EPOCH'];
  if (raw === undefined || raw === '') return 0;
  if (!/^\d+$/.test(raw)) throw new UsageError(`SOURCE_DATE_EPOCH must be whole seconds since the epoch, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function clients(o: BuildOptions, credentials: CredentialStore, logger: Logger): { pull: RegistryClient; push: RegistryClient } {
  const listed = (host: string) => o.insecureRegistries.includes(host);
  return {
    pull: new RegistryClient({
      policy: (host) => ({ insecure: o.insecurePull || listed(host), skipTlsVerify: o.skipTlsVerifyPull }),
      credentials,
      logger,
    }),
    push: new RegistryClient({
      policy: (host) => ({ insecure: o.insecure || listed(host), skipTlsVerify: o.skipTlsVerify }),
      credentials,
      logger,
    }),
  };
}

/** Builds, then writes every output, and logs a one-line summary. */
export async function runBuild(o: BuildOptions, run: RunEnvironment): Promise<void> {
  const started = Date.now();
  const contextDir = resolve(run.cwd, o.context);
  if (!existsSync(contextDir)) throw new UsageError(`--context ${o.context}: no such directory`);
  const epoch = sourceDateEpoch(o, run.env);
  const request: BuildRequest = {
    contextDir,
    dockerfilePath: dockerfilePath(o, contextDir, run.cwd),
    buildArgs: new Map(o.buildArgs),
    labels: o.labels,
    platform: DEFAULT_PLATFORM,
    ...(o.target === undefined ? {} : { target: o.target }),
    ...(epoch === undefined ? {} : { sourceDateEpoch: epoch }),
  };
  const credentials = await loadCredentials({ DOCKER_CONFIG: run.env['DOCKER_CONFIG'], HOME: run.env['HOME'] });
  const { pull, push } = clients(o, credentials, run.logger);
  let isolation: Promise<Isolation> | undefined;
  const image = await buildImage(request, {
    pullClient: pull,
    logger: run.logger,
    workDir: run.workDir,
    isolation: () => (isolation ??= probeIsolation(run.logger)),
    output: run.output,
  });
  const digest = await writeOutputs(
    image,
    {
      destinations: o.destinations,
      push: !o.noPush,
      ...(o.tarPath === undefined ? {} : { tarPath: resolve(run.cwd, o.tarPath) }),
      ...(o.ociLayoutPath === undefined ? {} : { ociLayoutPath: resolve(run.cwd, o.ociLayoutPath) }),
      ...(o.digestFile === undefined ? {} : { digestFile: resolve(run.cwd, o.digestFile) }),
    },
    push,
    run.logger,
  );
  const layers = await image.layers();
  const sizes = await Promise.all(layers.map((l) => l.size()));
  run.logger.info(
    { digest, layers: layers.length, bytes: sizes.reduce((a, b) => a + b, 0), seconds: (Date.now() - started) / 1000 },
    'build complete',
  );
}
