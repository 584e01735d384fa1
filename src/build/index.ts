/** build/: the executor — plan, stages, instruction handlers, snapshots — and the outputs. */
export { buildImage } from './build-image.js';
export { writeOutputs, type OutputRequest } from './outputs.js';
export type { BuildCache, BuildDeps, BuildRequest } from './request.js';
export { formatBytes } from './format-bytes.js';
export { platformArgs } from './platform-args.js';
export type { RunMountResources, RunSecret } from './mounts/resources.js';
