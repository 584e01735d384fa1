import { DockerfileError } from '../../dockerfile/index.js';
import type { Handler } from '../types.js';

/**
 * ADD differs from COPY in archive extraction and URLs; until those are implemented with
 * Docker's rules, ADD fails at its line rather than behaving like a COPY that looks right.
 */
export const add: Handler<'ADD'> = async (ins) => {
  throw new DockerfileError('TSB_DOCKERFILE_UNSUPPORTED', 'ADD is not supported yet (use COPY for local files)', ins.loc);
};
