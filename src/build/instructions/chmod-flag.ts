import { DockerfileError, type SourceLoc } from '../../dockerfile/index.js';

/** `--chmod` takes an octal mode (BuildKit 1.x also accepts symbolic modes; not yet here). */
export function parseChmod(raw: string, loc: SourceLoc): number {
  if (!/^[0-7]{3,4}$/.test(raw)) {
    throw new DockerfileError('TSB_DOCKERFILE_SYNTAX', `invalid --chmod=${raw}: expected an octal mode such as 0755`, loc);
  }
  return parseInt(raw, 8);
}
