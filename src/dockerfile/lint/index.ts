/**
 * dockerfile/lint: BuildKit's Dockerfile lint rules (the checks `# check=` configures). The rules
 * that need only the text run here on the parse (`lintSource`, `lintFromLines`); the ones that
 * need build facts (base image ENV and platform, .dockerignore) are pure functions here too,
 * and build/ calls them with those facts (`lintStage`, `baseImagePlatformFindings`).
 */
export { RULES, type LintRule, type RuleName } from './rules.js';
export { formatFinding, type LintFinding } from './finding.js';
export { CHECK_BUILD_ARG, enabledFindings, lintConfig, lintViolation, ruleEnabled, type LintConfig } from './config.js';
export { lintSource } from './source-rules.js';
export { lintFromLines, type FromArgs } from './from-rules.js';
export { lintStage, type StageLintContext } from './stage-rules.js';
export { childStart, imageStart, type StageEnd, type StageStart } from './stage-state.js';
export { baseImagePlatformFindings } from './base-platform.js';
