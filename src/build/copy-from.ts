/**
 * The trees `COPY --from` reads. A stage is read from its own rootfs as it stands after its last
 * instruction (kept under the work dir for the whole build, so any later stage can read it). An
 * image reference is pulled for the build's platform and extracted once per reference, however
 * many instructions copy from it.
 */
import { join } from 'node:path';
import { rootfsTree, type SourceTree } from '../context/index.js';
import type { StageSource } from '../dockerfile/index.js';
import type { Image } from '../image/index.js';
import type { Logger } from '../log/index.js';
import { parseReference, TsbuildError, type Platform, type Reference } from '../oci/index.js';
import { lazyRootfs } from './stage-rootfs.js';

/** What pulling an image for `COPY --from=<image>` needs. */
export interface CopyFromOptions {
  readonly pullImage: (ref: Reference, platform: Platform) => Promise<Image>;
  readonly platform: Platform;
  readonly workDir: string;
  readonly logger: Logger;
  /** See BuildDeps.canMknod. */
  readonly canMknod: boolean;
}

interface BuiltStage {
  readonly name: string | undefined;
  readonly rootfs: () => Promise<string>;
}

/** Finished stages and pulled images, by what `--from` names. One instance per build. */
export class CopyFromTrees {
  private readonly stages = new Map<number, BuiltStage>();
  private readonly images = new Map<string, Promise<SourceTree>>();

  constructor(private readonly opts: CopyFromOptions) {}

  /** Records a finished stage; its rootfs function extracts it if no instruction did. */
  addStage(index: number, name: string | undefined, rootfs: () => Promise<string>): void {
    this.stages.set(index, { name, rootfs });
  }

  /**
   * The tree for `--from=<from>`: `planned` is what the plan resolved it to; ONBUILD triggers
   * are not in the plan, so their `--from` is resolved here, against the stages built so far.
   */
  async tree(from: string, planned: StageSource | undefined): Promise<SourceTree> {
    const source = planned ?? this.resolve(from);
    if (source.kind === 'image') return this.image(source.ref);
    const stage = this.stages.get(source.index);
    if (stage === undefined) {
      throw new TsbuildError('TSB_COPY_SOURCE', `COPY --from=${from}: stage ${source.index} has not been built before this one`);
    }
    return rootfsTree(await stage.rootfs(), `stage ${stage.name ?? source.index}`);
  }

  private resolve(from: string): StageSource {
    if (/^\d+$/.test(from)) return { kind: 'stage', index: Number(from) };
    for (const [index, stage] of this.stages) if (stage.name === from.toLowerCase()) return { kind: 'stage', index };
    return { kind: 'image', ref: from };
  }

  private image(ref: string): Promise<SourceTree> {
    let tree = this.images.get(ref);
    if (tree === undefined) {
      tree = this.pull(ref, this.images.size);
      this.images.set(ref, tree);
    }
    return tree;
  }

  private async pull(ref: string, n: number): Promise<SourceTree> {
    const image = await this.opts.pullImage(parseReference(ref), this.opts.platform);
    const logger = this.opts.logger.child({ copyFrom: ref });
    const rootfs = lazyRootfs(image, { dir: join(this.opts.workDir, `copy-from-${n}`), logger, canChown: true, canMknod: this.opts.canMknod });
    return rootfsTree(await rootfs(), `image ${ref}`);
  }
}
