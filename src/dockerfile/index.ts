/**
 * dockerfile/: Dockerfile text to typed stages (`parseDockerfile`), the BuildKit-compatible word
 * expander (`expand`, `expandWords`) and the build plan (`planBuild`). Pure: no I/O.
 */
export { DockerfileError, ExpandError, withLocation } from './errors.js';
export type { DockerfileErrorCode, LineRange, SourceLoc } from './errors.js';
export { parseDockerfile, parseWithFacts, type ParsedDockerfile } from './parse.js';
export type { LineFacts, SourceFacts } from './source-facts.js';
export * from './lint/index.js';
export { expand, expandWords } from './expand.js';
export type { ExpandEnv, ExpandOptions, Expansion, WordsExpansion } from './expand.js';
export { planBuild } from './plan.js';
export { parseTrigger } from './parse-trigger.js';
export type { BuildPlan, PlannedStage, PlanOptions, StageSource } from './plan.js';
export type * from './types.js';
export { ALL_FEATURES, BUILDER_FEATURES } from './features.js';
export type { FeatureName, ParseFeatures, ParseOptions } from './features.js';
export { heredocData, heredocFileContent, heredocRun, HEREDOC_SCRIPT_DIR } from './heredoc-command.js';
export type { HeredocRun } from './heredoc-command.js';
export type { HeredocMarker } from './heredoc.js';
export { parseRunMount } from './run-mount.js';
export type { BindMountSpec, CacheMountSpec, MountSharing, RunMountSpec, SecretMountSpec, TmpfsMountSpec } from './run-mount.js';
export { parseCheckDirective } from './check-directive.js';
export { parseGoDuration } from './duration.js';
