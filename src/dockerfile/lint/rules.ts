/**
 * BuildKit's Dockerfile lint rules (frontend/dockerfile/linter/ruleset.go, Dockerfile frontend
 * 1.20): name, description and URL as BuildKit publishes them, and each message in BuildKit's
 * wording, because users grep build logs for it. `%q` in BuildKit is a Go quoted string, which
 * JSON quoting matches for the names and paths these messages carry.
 *
 * DuplicateStageName is not here: tsbuild's parser refuses a repeated stage name as an error
 * (which stage a later reference means would be ambiguous), so the warning could never fire.
 */

const q = (s: string): string => JSON.stringify(s);
const url = (slug: string): string => `https://docs.docker.com/go/dockerfile/rule/${slug}/`;

/** One rule: its message is built by `format`. Experimental rules run only when asked for. */
export interface LintRule<A extends readonly string[]> {
  readonly name: string;
  readonly description: string;
  readonly url: string;
  readonly experimental: boolean;
  readonly format: (...args: A) => string;
}

function rule<A extends readonly string[]>(name: string, slug: string, description: string, format: (...args: A) => string, experimental = false): LintRule<A> {
  return { name, description, url: url(slug), experimental, format };
}

/** Every rule, by name. */
export const RULES = {
  StageNameCasing: rule('StageNameCasing', 'stage-name-casing', 'Stage names should be lowercase', (name: string) => `Stage name '${name}' should be lowercase`),
  FromAsCasing: rule(
    'FromAsCasing',
    'from-as-casing',
    "The 'as' keyword should match the case of the 'from' keyword",
    (from: string, as: string) => `'${as}' and '${from}' keywords' casing do not match`,
  ),
  NoEmptyContinuation: rule('NoEmptyContinuation', 'no-empty-continuation', 'Empty continuation lines will become errors in a future release', () => 'Empty continuation line'),
  ConsistentInstructionCasing: rule(
    'ConsistentInstructionCasing',
    'consistent-instruction-casing',
    'All commands within the Dockerfile should use the same casing (either upper or lower)',
    (command: string, casing: string) => `Command '${command}' should match the case of the command majority (${casing})`,
  ),
  ReservedStageName: rule(
    'ReservedStageName',
    'reserved-stage-name',
    'Reserved words should not be used as stage names',
    (name: string) => `Stage name should not use the same name as reserved stage ${q(name)}`,
  ),
  JSONArgsRecommended: rule(
    'JSONArgsRecommended',
    'json-args-recommended',
    'JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals',
    (instruction: string) => `JSON arguments recommended for ${instruction} to prevent unintended behavior related to OS signals`,
  ),
  MaintainerDeprecated: rule(
    'MaintainerDeprecated',
    'maintainer-deprecated',
    'The MAINTAINER instruction is deprecated, use a label instead to define an image author',
    () => 'Maintainer instruction is deprecated in favor of using label',
  ),
  UndefinedArgInFrom: rule(
    'UndefinedArgInFrom',
    'undefined-arg-in-from',
    'FROM command must use declared ARGs',
    (arg: string, suggest: string) => `FROM argument '${arg}' is not declared${suggest === '' ? '' : ` (did you mean ${suggest}?)`}`,
  ),
  WorkdirRelativePath: rule(
    'WorkdirRelativePath',
    'workdir-relative-path',
    'Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes',
    (workdir: string) => `Relative workdir ${q(workdir)} can have unexpected results if the base image changes`,
  ),
  UndefinedVar: rule(
    'UndefinedVar',
    'undefined-var',
    'Variables should be defined before their use',
    (name: string, suggest: string) => `Usage of undefined variable '$${name}'${suggest === '' ? '' : ` (did you mean $${suggest}?)`}`,
  ),
  MultipleInstructionsDisallowed: rule(
    'MultipleInstructionsDisallowed',
    'multiple-instructions-disallowed',
    'Multiple instructions of the same type should not be used in the same stage',
    (instruction: string) => `Multiple ${instruction} instructions should not be used in the same stage because only the last one will be used`,
  ),
  LegacyKeyValueFormat: rule(
    'LegacyKeyValueFormat',
    'legacy-key-value-format',
    'Legacy key/value format with whitespace separator should not be used',
    (command: string) => `"${command} key=value" should be used instead of legacy "${command} key value" format`,
  ),
  InvalidBaseImagePlatform: rule(
    'InvalidBaseImagePlatform',
    'invalid-base-image-platform',
    'Base image platform does not match expected target platform',
    (image: string, expected: string, actual: string) => `Base image ${image} was pulled with platform ${q(actual)}, expected ${q(expected)} for current build`,
  ),
  RedundantTargetPlatform: rule(
    'RedundantTargetPlatform',
    'redundant-target-platform',
    'Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior',
    (platform: string) => `Setting platform to predefined ${platform} in FROM is redundant as this is the default behavior`,
  ),
  SecretsUsedInArgOrEnv: rule(
    'SecretsUsedInArgOrEnv',
    'secrets-used-in-arg-or-env',
    'Sensitive data should not be used in the ARG or ENV commands',
    (instruction: string, key: string) => `Do not use ARG or ENV instructions for sensitive data (${instruction} ${q(key)})`,
  ),
  InvalidDefaultArgInFrom: rule(
    'InvalidDefaultArgInFrom',
    'invalid-default-arg-in-from',
    'Default value for global ARG results in an empty or invalid base image name',
    (base: string) => `Default value for ARG ${base} results in empty or invalid base image name`,
  ),
  FromPlatformFlagConstDisallowed: rule(
    'FromPlatformFlagConstDisallowed',
    'from-platform-flag-const-disallowed',
    'FROM --platform flag should not use a constant value',
    (platform: string) => `FROM --platform flag should not use constant value ${q(platform)}`,
  ),
  CopyIgnoredFile: rule(
    'CopyIgnoredFile',
    'copy-ignored-file',
    'Attempting to Copy file that is excluded by .dockerignore',
    (command: string, file: string) => `Attempting to ${command} file ${q(file)} that is excluded by .dockerignore`,
    true,
  ),
  InvalidDefinitionDescription: rule(
    'InvalidDefinitionDescription',
    'invalid-definition-description',
    'Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.',
    (instruction: string, name: string) => `Comment for ${instruction} should follow the format: \`# ${name} <description>\``,
    true,
  ),
  ExposeProtoCasing: rule(
    'ExposeProtoCasing',
    'expose-proto-casing',
    'Protocol in EXPOSE instruction should be lowercase',
    (port: string) => `Defined protocol '${port}' in EXPOSE instruction should be lowercase`,
  ),
  ExposeInvalidFormat: rule(
    'ExposeInvalidFormat',
    'expose-invalid-format',
    'IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release',
    (port: string) => `EXPOSE instruction should not define an IP address or host-port mapping, found '${port}'`,
  ),
} as const;

/** A rule's name. */
export type RuleName = keyof typeof RULES;
