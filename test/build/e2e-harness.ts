/**
 * Shared setup of the semantics e2e tests: one real registry with the busybox base pushed, and a
 * `build` that runs the real `bin/tsbuild` on a context written from a file tree, pushes the
 * result, and hands back the image as independent tools see it (skopeo's config, umoci's rootfs).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pushBusybox } from '../helpers/busybox-image.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { runTsbuild, type TsbuildRun } from '../helpers/run-tsbuild.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

/** The image config fields the tests look at. */
export interface PushedConfig {
  readonly config: {
    readonly Env?: string[];
    readonly User?: string;
    readonly WorkingDir?: string;
    readonly OnBuild?: string[] | null;
    readonly Cmd?: string[];
    readonly Labels?: Record<string, string>;
  };
  readonly history: { readonly created_by?: string; readonly empty_layer?: boolean }[];
  readonly rootfs: { readonly diff_ids: string[] };
}

/** A finished build: the run, and (when it succeeded) the pushed image unpacked. */
export interface BuiltImage {
  readonly run: TsbuildRun;
  readonly ref: string;
  /** umoci's rootfs of the pushed image. */
  readonly rootfs: string;
  readonly config: PushedConfig;
}

/** The registry and work dir of one test file. */
export class E2eHarness {
  private count = 0;

  private constructor(
    readonly registry: TestRegistry,
    readonly work: TempDir,
    /** `127.0.0.1:port/base/busybox:latest` */
    readonly base: string,
  ) {}

  static async start(): Promise<E2eHarness> {
    const registry = await startRegistry();
    const work = await tempDir();
    await pushBusybox(registry.host, work.path);
    return new E2eHarness(registry, work, `${registry.host}/base/busybox:latest`);
  }

  async stop(): Promise<void> {
    await this.registry.stop();
    await this.work[Symbol.asyncDispose]();
  }

  /**
   * The config blob as pushed, read straight from the registry: `skopeo inspect --config`
   * re-encodes it as an OCI config and drops Docker-only fields such as OnBuild.
   */
  private async rawConfig(n: number): Promise<PushedConfig> {
    const base = `${this.registry.url}/v2/e2e/semantics`;
    const accept = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';
    const manifest = (await (await fetch(`${base}/manifests/${n}`, { headers: { accept } })).json()) as { config: { digest: string } };
    return (await (await fetch(`${base}/blobs/${manifest.config.digest}`)).json()) as PushedConfig;
  }

  /** Writes `tree` as a context, builds it with `BASE` set, pushes, and unpacks the result. */
  async build(tree: Record<string, string>, args: readonly string[] = [], prepare?: (dir: string) => void): Promise<BuiltImage> {
    const n = (this.count += 1);
    const ctx = join(this.work.path, `context-${n}`);
    for (const [rel, content] of Object.entries(tree)) {
      mkdirSync(dirname(join(ctx, rel)), { recursive: true });
      writeFileSync(join(ctx, rel), content);
    }
    mkdirSync(ctx, { recursive: true });
    prepare?.(ctx);
    const ref = `${this.registry.host}/e2e/semantics:${n}`;
    const run = await runTsbuild(['--context', ctx, '--destination', ref, '--build-arg', `BASE=${this.base}`, ...args]);
    if (run.code !== 0) return { run, ref, rootfs: '', config: { config: {}, history: [], rootfs: { diff_ids: [] } } };
    const out = join(this.work.path, `out-${n}`);
    mkdirSync(out);
    execFileSync('skopeo', ['copy', '--src-tls-verify=false', `docker://${ref}`, `oci:${out}/layout:img`], { stdio: 'pipe' });
    execFileSync('umoci', ['unpack', '--image', `${out}/layout:img`, `${out}/bundle`], { stdio: 'pipe' });
    return { run, ref, rootfs: join(out, 'bundle/rootfs'), config: await this.rawConfig(n) };
  }
}
