import { copyIntoRoot, resolveChown } from '../../fs/index.js';
import { resolveCopySources } from '../../context/index.js';
import { DockerfileError, type SourceLoc } from '../../dockerfile/index.js';
import type { Handler } from '../types.js';

/** `--chmod` takes an octal mode (BuildKit 1.x also accepts symbolic modes; not yet here). */
function parseChmod(raw: string, loc: SourceLoc): number {
  if (!/^[0-7]{3,4}$/.test(raw)) {
    throw new DockerfileError('TSB_DOCKERFILE_SYNTAX', `invalid --chmod=${raw}: expected an octal mode such as 0755`, loc);
  }
  return parseInt(raw, 8);
}

/**
 * COPY from the build context: sources expanded and matched with Docker's rules, written 0:0
 * unless --chown, with modes kept unless --chmod; the layer holds exactly the written paths.
 */
export const copy: Handler<'COPY'> = async (ins, step) => {
  if (ins.flags.from !== undefined) throw new DockerfileError('TSB_DOCKERFILE_UNSUPPORTED', 'COPY --from is not supported yet', ins.loc);
  const root = await step.rootfs();
  const sources = await resolveCopySources(step.context, ins.sources.map((s) => step.expand(s)));
  const chown = ins.flags.chown === undefined ? undefined : await resolveChown(root, step.expand(ins.flags.chown));
  const chmod = ins.flags.chmod === undefined ? undefined : parseChmod(step.expand(ins.flags.chmod), ins.loc);
  const paths = await copyIntoRoot(root, sources, step.expand(ins.dest), {
    workdir: step.config.WorkingDir || '/',
    ...(chown ? { chown } : {}),
    ...(chmod === undefined ? {} : { chmod }),
  });
  return { kind: 'files', config: step.config, paths };
};
