import { copyIntoRoot, resolveChown } from '../../fs/index.js';
import { resolveCopySources } from '../../context/index.js';
import { heredocSources } from '../copy-heredocs.js';
import { writeMaybeLinked } from '../copy-link.js';
import { copySourceOptions } from '../copy-options.js';
import type { Handler } from '../types.js';
import { parseChmod } from './chmod-flag.js';

/**
 * COPY from the build context, or with `--from` from a stage's or an image's rootfs: sources
 * expanded and matched with Docker's rules (.dockerignore applies to the context only, --exclude
 * and --parents to any tree), heredoc sources written as 0644 files after them, owned by
 * --chown, else 0:0 from the context and the source's owners from a stage or image, with modes
 * kept unless --chmod; the layer holds exactly the written paths. `--link` copies into an empty
 * tree laid over the rootfs (copy-link).
 */
export const copy: Handler<'COPY'> = async (ins, step) => {
  const root = await step.rootfs();
  const tree = ins.flags.from === undefined ? step.context : await step.copyFromTree(ins.flags.from);
  const sources = await resolveCopySources(tree, ins.sources.map((s) => step.expand(s)), copySourceOptions(ins, step));
  sources.push(...heredocSources(ins.heredocs, step));
  const chown = ins.flags.chown === undefined ? undefined : await resolveChown(root, step.expand(ins.flags.chown));
  const chmod = ins.flags.chmod === undefined ? undefined : parseChmod(step.expand(ins.flags.chmod), ins.loc);
  const options = {
    workdir: step.config.WorkingDir || '/',
    ...(chown ? { chown } : {}),
    keepOwners: ins.flags.from !== undefined,
    ...(chmod === undefined ? {} : { chmod }),
  };
  const dest = step.expand(ins.dest);
  const paths = await writeMaybeLinked(root, ins.flags.link === true, step, (target) => copyIntoRoot(target, sources, dest, options));
  return { kind: 'files', config: step.config, paths };
};
