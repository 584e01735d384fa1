/** sandbox/: running a RUN command against a rootfs, with the isolation this process allows. */
export type { Isolation, IsolationMode, ProbeOptions, RunMount, RunResult, RunSpec } from './types.js';
export { ISOLATION_MODES } from './types.js';
export { probeIsolation } from './probe.js';
export { planStrategies, type ProcessFacts, type StrategyName, type StrategyPlan } from './strategy.js';
export { readSubordinateIds, type SubordinateRange } from './subordinate-ids.js';
