/**
 * The executor: Dockerfile → plan → each needed stage in order → the target stage's Image.
 * Outputs are not its business (see outputs.ts): it returns an Image, and every output is a sink.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { openContext } from '../context/index.js';
import { BUILDER_FEATURES, CHECK_BUILD_ARG, DockerfileError, expand, parseWithFacts, planBuild, type PlannedStage } from '../dockerfile/index.js';
import { appendLayers, scratchImage, withConfig, type Image } from '../image/index.js';
import { formatPlatform, InternalError, parsePlatform, parseReference, platformMatches, TsbuildError } from '../oci/index.js';
import type { BuildDeps, BuildRequest } from './request.js';
import { runStage, type StageOutput } from './run-stage.js';
import { PREDEFINED_ARGS } from './arg-scope.js';
import { locate } from './locate-error.js';
import { CopyFromTrees } from './copy-from.js';
import { platformArgs, stageGlobals } from './platform-args.js';
import { planCache } from './cache-plan.js';
import { lintBuild } from './lint.js';
import { stageSnapshot } from './single-snapshot.js';
import { RemoteSources } from './remote-sources.js';

/** Builds the target stage of the request's Dockerfile. */
export async function buildImage(req: BuildRequest, deps: BuildDeps): Promise<Image> {
  const text = await readFile(req.dockerfilePath, 'utf8').catch((err: unknown) => {
    throw new TsbuildError('TSB_CONTEXT', `cannot read the Dockerfile at ${req.dockerfilePath}`, { cause: err });
  });
  const { dockerfile, facts } = parseWithFacts(text, basename(req.dockerfilePath), { features: BUILDER_FEATURES });
  const builtinArgs = platformArgs(req.platform, req.buildPlatform ?? req.platform);
  const plan = planBuild(dockerfile, { buildArgs: req.buildArgs, builtinArgs, ...(req.target === undefined ? {} : { target: req.target }) });
  const globals = stageGlobals(builtinArgs, req.buildArgs, plan.globalArgs);
  const context = await openContext(req.contextDir, { dockerfilePath: req.dockerfilePath });
  const created = new Date(req.sourceDateEpoch === undefined ? Date.now() : req.sourceDateEpoch * 1000).toISOString();
  const images = new Map<number, Image>();
  deps = { ...deps, pullImage: memoizedPull(deps.pullImage) };
  const remote = new RemoteSources(join(deps.workDir, 'downloads'));
  const trees = new CopyFromTrees({ pullImage: deps.pullImage, platform: req.platform, workDir: deps.workDir, logger: deps.logger, canMknod: deps.canMknod ?? true });
  const escape = dockerfile.directives.escape;
  const expandGlobal = (word: string) => expand(word, (name) => globals.get(name), { escape }).value;
  await lintBuild({
    dockerfile,
    facts,
    plan,
    buildArgs: req.buildArgs,
    builtinArgs: stageGlobals(builtinArgs, req.buildArgs, new Map()),
    globals,
    context,
    platform: req.platform,
    baseImage: (stage) => baseImage(stage, images, req, deps, expandGlobal),
    logger: deps.logger,
  });
  const cachePlan =
    deps.cache &&
    (await planCache({
      stages: plan.stages,
      baseImage: (stage) => baseImage(stage, images, req, deps, expandGlobal),
      imageDigest: async (ref) => (await deps.pullImage(parseReference(ref), req.platform)).digest(),
      globalArgs: globals,
      context,
      escape,
      req,
      deps,
      cache: deps.cache,
      remote,
    }));
  // BUILDKIT_DOCKERFILE_CHECK configures the lint rules; it is consumed even when no ARG declares it.
  const consumed = new Set<string>([...globals.keys(), ...PREDEFINED_ARGS, CHECK_BUILD_ARG]);
  for (const stage of plan.stages) {
    const base = await baseImage(stage, images, req, deps, expandGlobal).catch(
      (err: unknown) => {
        throw locate(err, stage.from);
      },
    );
    const output = await runStage(
      {
        stage,
        base,
        globalArgs: globals,
        context,
        copyFrom: (from, s) => trees.tree(from, s.copyFrom.get(from)),
        created,
        escape,
        remote,
        ...(cachePlan && !req.singleSnapshot ? { keys: cachePlan.keys.get(stage.index) ?? [], hits: cachePlan.hits } : {}),
        ...(req.singleSnapshot ? { singleSnapshot: stageSnapshot(cachePlan, stage.index) } : {}),
      },
      req,
      deps,
    );
    output.argNames.forEach((name) => consumed.add(name));
    trees.addStage(stage.index, stage.name, output.rootfs);
    images.set(stage.index, composeImage(output, created));
  }
  const unconsumed = [...req.buildArgs.keys()].filter((name) => !consumed.has(name));
  if (unconsumed.length > 0) deps.logger.warn(`build-args not consumed by any ARG: ${unconsumed.join(', ')}`);
  const target = images.get(plan.target.index);
  if (!target) throw new InternalError(`target stage ${plan.target.index} was not built`);
  return req.labels.length === 0 ? target : withLabels(target, req.labels);
}

/**
 * One pull per reference for the whole build: the cache plan and the stages ask for the same
 * bases, and a tag must resolve to one digest for both.
 */
function memoizedPull(pull: BuildDeps['pullImage']): BuildDeps['pullImage'] {
  const pulls = new Map<string, Promise<Image>>();
  return (ref, platform) => {
    const id = JSON.stringify([ref, platform]);
    let image = pulls.get(id);
    if (image === undefined) {
      image = pull(ref, platform);
      pulls.set(id, image);
      // A failed pull may be retried by a later caller.
      image.catch(() => pulls.delete(id));
    }
    return image;
  };
}

async function baseImage(
  stage: PlannedStage,
  images: ReadonlyMap<number, Image>,
  req: BuildRequest,
  deps: BuildDeps,
  expandGlobal: (word: string) => string,
): Promise<Image> {
  checkStagePlatform(stage, expandGlobal, req);
  switch (stage.base.kind) {
    case 'scratch':
      return scratchImage('oci', req.platform);
    case 'stage': {
      const built = images.get(stage.base.index);
      if (!built) throw new InternalError(`stage ${stage.base.index} is used before it was built`);
      return built;
    }
    case 'image':
      return deps.pullImage(parseReference(stage.base.ref), req.platform);
  }
}

/**
 * `FROM --platform=…` must name the platform being built: tsbuild runs RUN natively and builds
 * one platform, so `--platform=$BUILDPLATFORM` (the usual cross-compilation idiom) works when
 * build and target agree, and anything else fails here instead of being ignored.
 */
function checkStagePlatform(stage: PlannedStage, expandGlobal: (word: string) => string, req: BuildRequest): void {
  if (stage.from.platform === undefined) return;
  const text = expandGlobal(stage.from.platform);
  const wanted = parsePlatform(text);
  if (wanted === undefined) throw new DockerfileError('TSB_DOCKERFILE_SYNTAX', `FROM --platform=${text}: not a platform (os/arch[/variant])`, stage.from.loc);
  if (!platformMatches(wanted, req.platform) || !platformMatches(req.platform, wanted)) {
    throw new DockerfileError(
      'TSB_DOCKERFILE_UNSUPPORTED',
      `FROM --platform=${text}: this build is for ${formatPlatform(req.platform)}; building a stage for another platform is not supported`,
      stage.from.loc,
    );
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
