/** sandbox/: running a RUN command against a rootfs, with the isolation this process allows. */
export type { Isolation, RunResult, RunSpec } from './types.js';
export { probeIsolation } from './probe.js';
