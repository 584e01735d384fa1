/**
 * ONBUILD triggers of a base image must run when it is used as a base. Until tsbuild runs them,
 * a base that has any fails the build at its FROM line instead of silently skipping them.
 */
import { DockerfileError, type PlannedStage } from '../dockerfile/index.js';
import type { ImageConfig } from '../oci/index.js';

export function rejectOnbuildTriggers(config: ImageConfig, stage: PlannedStage): void {
  const triggers = config.config?.OnBuild ?? [];
  if (triggers.length === 0) return;
  throw new DockerfileError(
    'TSB_DOCKERFILE_UNSUPPORTED',
    `base image has ONBUILD triggers (${triggers.join('; ')}); running them is not supported yet`,
    stage.from.loc,
  );
}
