/**
 * Parser features the builder opts into, one per Dockerfile construct. Each is off by default:
 * until the builder honours a construct, the parser refuses it as unsupported, so nothing is
 * ever silently accepted (DESIGN §3.5). Turning one on makes the parser return its typed form.
 */

/** The constructs that can be turned on one at a time. */
export interface ParseFeatures {
  /** `RUN <<EOF`, `COPY <<EOF /dst`: bodies read and returned as `heredocs`. */
  readonly heredocs?: boolean;
  /** `RUN --mount=…`: validated, raw values in `mounts` (typed later by `parseRunMount`). */
  readonly runMounts?: boolean;
  /** `RUN --network=default|none|host`. */
  readonly runNetwork?: boolean;
  /** `RUN --security=sandbox|insecure`. */
  readonly runSecurity?: boolean;
  /** `COPY/ADD --link`. */
  readonly copyLink?: boolean;
  /** `COPY --parents`. */
  readonly copyParents?: boolean;
  /** `COPY/ADD --exclude=pattern` (repeatable). */
  readonly copyExclude?: boolean;
  /** `ADD --checksum=sha256:…`. */
  readonly addChecksum?: boolean;
  /** `ADD --keep-git-dir`. */
  readonly addKeepGitDir?: boolean;
  /** `ADD --unpack`. */
  readonly addUnpack?: boolean;
  /** `# check=` parsed into `directives.checks`. */
  readonly checks?: boolean;
}

/** The name of one feature. */
export type FeatureName = keyof ParseFeatures;

/** Options of `parseDockerfile`. */
export interface ParseOptions {
  readonly features?: ParseFeatures;
}

/** Every feature on: what tests (and a builder that honours everything) ask for. */
export const ALL_FEATURES: Required<ParseFeatures> = {
  heredocs: true,
  runMounts: true,
  runNetwork: true,
  runSecurity: true,
  copyLink: true,
  copyParents: true,
  copyExclude: true,
  addChecksum: true,
  addKeepGitDir: true,
  addUnpack: true,
  checks: true,
};

/**
 * The constructs tsbuild's builder implements: what `build/` and the warmer parse with. A
 * feature is added here in the same change that implements it in `build/`, never before, so a
 * construct the builder would not honour stays a "not supported yet" error at its line.
 */
export const BUILDER_FEATURES: ParseFeatures = {
  copyLink: true,
  runMounts: true,
  addChecksum: true,
  addUnpack: true,
  addKeepGitDir: true,
  copyExclude: true,
  copyParents: true,
  heredocs: true,
  runNetwork: true,
  checks: true,
};
