/**
 * InvalidBaseImagePlatform: a base image whose config names another OS or architecture than the
 * build asked for. Platforms print as containerd's `FormatAll(Normalize(p))` prints them.
 */
import type { Platform } from '../../oci/index.js';
import type { SourceLoc } from '../errors.js';
import { finding, type LintFinding } from './finding.js';

function normalisedVariant(architecture: string, variant: string | undefined): string | undefined {
  if (architecture === 'arm64' && (variant === 'v8' || variant === '8')) return undefined;
  if (architecture === 'amd64' && variant === 'v1') return undefined;
  if (architecture === 'arm' && (variant === undefined || variant === '7')) return 'v7';
  return variant;
}

function platformText(p: Platform): string {
  const variant = normalisedVariant(p.architecture, p.variant);
  return [p.os, p.architecture, variant].filter((part) => part !== undefined && part !== '').join('/');
}

/** The finding for a base `image` (as the FROM line names it) pulled as `actual` when `expected` was asked for. */
export function baseImagePlatformFindings(loc: SourceLoc, image: string, expected: Platform, actual: Platform): LintFinding[] {
  if (expected.os === actual.os && expected.architecture === actual.architecture) return [];
  return [finding('InvalidBaseImagePlatform', loc, image, platformText(expected), platformText(actual))];
}
