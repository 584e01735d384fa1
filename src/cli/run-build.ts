/**
 * Wires a validated BuildOptions to the modules: registry clients, the push-permission check,
 * the build request, the isolation probe, and the outputs. No build logic lives here.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { buildImage, formatBytes, writeOutputs, type BuildRequest, type RunMountResources, type RunSecret } from '../build/index.js';
import { checkPushPermission } from '../image/index.js';
import type { Logger } from '../log/index.js';
import { DEFAULT_PLATFORM, parsePlatform, parseReference, repositoryName, UsageError, type Platform } from '../oci/index.js';
import { probeIsolation, type Isolation } from '../sandbox/index.js';
import type { BuildOptions } from './options.js';
import { registrySetup } from './registry-setup.js';
import { drainCache, layerCache, withBaseImageStore } from './cache-setup.js';
import { startSshAgents } from './ssh-agents.js';
import { downloadDockerfile, prepareContext } from './context-source.js';
import { kanikoFlagNotes } from './kaniko-flags.js';
import { USERNS_MARKER } from './rootless.js';

export interface RunEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly workDir: string;
  readonly logger: Logger;
  readonly output: { readonly stdout: Writable; readonly stderr: Writable };
  /** Standard input, opened only for `--context tar://stdin`. */
  readonly stdin?: () => Readable & { readonly isTTY?: boolean };
  /** Owner of an unpacked tar context's files; the tar's own owners when absent (needs root). */
  readonly owner?: { readonly uid: number; readonly gid: number };
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

function platform(o: BuildOptions): Platform {
  if (o.customPlatform === undefined) return DEFAULT_PLATFORM;
  const parsed = parsePlatform(o.customPlatform);
  if (!parsed) throw new UsageError(`--custom-platform ${o.customPlatform}: expected os/arch[/variant], e.g. linux/arm64`);
  return parsed;
}

function request(o: BuildOptions, run: RunEnvironment, contextDir: string, dockerfile: string): BuildRequest {
  const epoch = sourceDateEpoch(o, run.env);
  return {
    contextDir,
    dockerfilePath: dockerfile,
    buildArgs: new Map(o.buildArgs),
    labels: o.labels,
    platform: platform(o),
    singleSnapshot: o.singleSnapshot,
    ...(o.target === undefined ? {} : { target: o.target }),
    ...(epoch === undefined ? {} : { sourceDateEpoch: epoch }),
    compression: { format: o.compression, ...(o.compressionLevel === -1 ? {} : { level: o.compressionLevel }) },
  };
}

/** The sandbox's per-run files (resolv.conf, hosts copies) live under the work dir too. */
async function probeSandbox(o: BuildOptions, run: RunEnvironment): Promise<Isolation> {
  const scratchDir = join(run.workDir, 'sandbox');
  await mkdir(scratchDir, { recursive: true });
  return probeIsolation(run.logger, { mode: o.isolation, scratchDir });
}

/**
 * `--secret` values and the home of RUN cache mounts: `--cache-dir`/run-mounts, else beside the
 * per-run work dirs (`$TSBUILD_WORK_DIR`), so caches outlive each build in one container or pod.
 */
function runMountResources(o: BuildOptions, run: RunEnvironment): RunMountResources {
  const secrets = new Map<string, RunSecret>();
  for (const s of o.secrets) {
    if ('src' in s) secrets.set(s.id, { kind: 'file', path: resolve(run.cwd, s.src) });
    else {
      const value = run.env[s.env];
      if (value === undefined) throw new UsageError(`--secret id=${s.id}: the environment variable ${s.env} is not set`);
      secrets.set(s.id, { kind: 'value', value });
    }
  }
  const cacheDir = o.cacheDir === undefined ? join(dirname(run.workDir), 'tsbuild-run-mounts') : join(resolve(run.cwd, o.cacheDir), 'run-mounts');
  return { secrets, cacheDir };
}

const optional = <K extends string>(key: K, value: string | undefined, cwd: string) =>
  (value === undefined ? {} : { [key]: resolve(cwd, value) }) as Partial<Record<K, string>>;

/** Checks push access, builds, writes every output, and logs a one-line summary. */
export async function runBuild(o: BuildOptions, run: RunEnvironment): Promise<void> {
  const started = Date.now();
  if (o.ignorePaths.length > 0) {
    run.logger.info({ paths: o.ignorePaths }, '--ignore-path has no effect: tsbuild builds in its own rootfs and never snapshots its own filesystem');
  }
  for (const warning of o.deprecationWarnings) run.logger.warn(warning);
  for (const note of kanikoFlagNotes(o)) run.logger.info(note);
  const { cwd, workDir, env, logger, stdin, owner } = run;
  const contextDir = await prepareContext(o, { cwd, workDir, env, logger, ...(stdin ? { stdin } : {}), ...(owner ? { owner } : {}) });
  // kaniko downloads a --dockerfile URL (its isURL: http or https).
  const url = o.dockerfile !== undefined && /^https?:\/\//.test(o.dockerfile) ? o.dockerfile : undefined;
  const dockerfile = url === undefined ? dockerfilePath(o, contextDir, cwd) : await downloadDockerfile(url, workDir);
  const req = request(o, run, contextDir, dockerfile);
  const runMounts = runMountResources(o, run);
  const registries = await registrySetup(o, run.env, run.logger);
  const cache = layerCache(o, registries.push, req.platform, run.cwd, run.logger);
  // Started last, so that nothing between here and `finally` can leave an agent running.
  const ssh = await startSshAgents(o.ssh, run);
  try {
    if (!o.noPush && !o.skipPushPermissionCheck) {
      // One check per repository, before a long build rather than after it.
      const repos = new Map(o.destinations.map(parseReference).map((ref) => [repositoryName(ref), ref]));
      await Promise.all([...repos.values()].map((ref) => checkPushPermission(registries.push, ref)));
    }
    let isolation: Promise<Isolation> | undefined;
    const image = await buildImage(req, {
      pullImage: withBaseImageStore(registries.pullImage, o, run.logger),
      logger: run.logger,
      workDir: run.workDir,
      isolation: () => (isolation ??= probeSandbox(o, run)),
      output: run.output,
      runMounts: { ...runMounts, ssh: ssh.sockets },
      // In the rootless user namespace the kernel refuses mknod.
      canMknod: run.env[USERNS_MARKER] === undefined,
      ...(cache === undefined ? {} : { cache }),
    });
    const digest = await writeOutputs(
      image,
      {
        destinations: o.destinations,
        push: !o.noPush,
        pushRetries: o.pushRetry,
        ignoreImmutableTagErrors: o.pushIgnoreImmutableTagErrors,
        ...optional('tarPath', o.tarPath, run.cwd),
        ...optional('ociLayoutPath', o.ociLayoutPath, run.cwd),
        ...optional('digestFile', o.digestFile, run.cwd),
        ...optional('imageNameWithDigestFile', o.imageNameWithDigestFile, run.cwd),
        ...optional('imageNameTagWithDigestFile', o.imageNameTagWithDigestFile, run.cwd),
      },
      registries.push,
      run.logger,
    );
    const layers = await image.layers();
    const sizes = await Promise.all(layers.map((l) => l.size()));
    const bytes = sizes.reduce((a, b) => a + b, 0);
    const seconds = (Date.now() - started) / 1000;
    run.logger.info(
      { digest, layers: layers.length, bytes, seconds },
      `built ${digest} · ${layers.length} layers · ${formatBytes(bytes)} · ${seconds.toFixed(1)} s`,
    );
  } finally {
    await ssh.stop();
    // Saves of the steps that ran are worth keeping even when a later step failed.
    await drainCache(cache, run.logger);
    registries.pull.close();
    registries.push.close();
  }
}
