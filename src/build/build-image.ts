/**
 * The executor: Dockerfile → plan → each needed stage in order → the target stage's Image.
 * Outputs are not its business (see outputs.ts): it returns an Image, and every output is a sink.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { openContext } from '../context/index.js';
import { parseDockerfile, planBuild, type PlannedStage } from '../dockerfile/index.js';
import { appendLayers, remoteImage, scratchImage, withConfig, type Image } from '../image/index.js';
import { InternalError, parseReference, TsbuildError } from '../oci/index.js';
import type { BuildDeps, BuildRequest } from './request.js';
import { runStage, type StageOutput } from './run-stage.js';
import { PREDEFINED_ARGS } from './arg-scope.js';
import { rejectOnbuildTriggers } from './onbuild.js';
import { locate } from './locate-error.js';

/** Builds the target stage of the request's Dockerfile. */
export async function buildImage(req: BuildRequest, deps: BuildDeps): Promise<Image> {
  const text = await readFile(req.dockerfilePath, 'utf8').catch((err: unknown) => {
    throw new TsbuildError('TSB_CONTEXT', `cannot read the Dockerfile at ${req.dockerfilePath}`, { cause: err });
  });
  const dockerfile = parseDockerfile(text, basename(req.dockerfilePath));
  const plan = planBuild(dockerfile, { buildArgs: req.buildArgs, ...(req.target === undefined ? {} : { target: req.target }) });
  const context = await openContext(req.contextDir, { dockerfilePath: req.dockerfilePath });
  const created = new Date(req.sourceDateEpoch === undefined ? Date.now() : req.sourceDateEpoch * 1000).toISOString();
  const images = new Map<number, Image>();
  const consumed = new Set<string>([...plan.globalArgs.keys(), ...PREDEFINED_ARGS]);
  for (const stage of plan.stages) {
    const base = await baseImage(stage, images, req, deps).catch((err: unknown) => {
      throw locate(err, stage.from);
    });
    const output = await runStage(
      { stage, base, globalArgs: plan.globalArgs, context, created, escape: dockerfile.directives.escape },
      req,
      deps,
    );
    output.argNames.forEach((name) => consumed.add(name));
    images.set(stage.index, composeImage(output, created));
  }
  const unconsumed = [...req.buildArgs.keys()].filter((name) => !consumed.has(name));
  if (unconsumed.length > 0) deps.logger.warn(`build-args not consumed by any ARG: ${unconsumed.join(', ')}`);
  const target = images.get(plan.target.index);
  if (!target) throw new InternalError(`target stage ${plan.target.index} was not built`);
  return req.labels.length === 0 ? target : withLabels(target, req.labels);
}

async function baseImage(stage: PlannedStage, images: ReadonlyMap<number, Image>, req: BuildRequest, deps: BuildDeps): Promise<Image> {
  switch (stage.base.kind) {
    case 'scratch':
      return scratchImage('oci', req.platform);
    case 'stage': {
      const built = images.get(stage.base.index);
      if (!built) throw new InternalError(`stage ${stage.base.index} is used before it was built`);
      return built;
    }
    case 'image': {
      const ref = parseReference(stage.base.ref);
      const image = await remoteImage(deps.pullClient, ref, req.platform);
      rejectOnbuildTriggers(await image.config(), stage);
      return image;
    }
  }
}

/** The stage's image: its base plus the new layers, with the stage's config and full history. */
function composeImage(out: StageOutput, created: string): Image {
  const withLayers = appendLayers(out.base, out.progress.layers);
  return withConfig(withLayers, (cfg) => ({
    ...cfg,
    created,
    ...(out.author === undefined ? {} : { author: out.author }),
    config: out.progress.config,
    history: [...(out.baseConfig.history ?? []), ...out.progress.history],
  }));
}

function withLabels(img: Image, labels: BuildRequest['labels']): Image {
  return withConfig(img, (cfg) => ({
    ...cfg,
    config: { ...cfg.config, Labels: { ...(cfg.config?.Labels ?? {}), ...Object.fromEntries(labels) } },
  }));
}
