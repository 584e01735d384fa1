/**
 * Registries with immutable tags refuse a manifest PUT that would move one. kaniko's
 * `--push-ignore-immutable-tag-errors` recognises them by the registries' own words; so do we,
 * plus Harbor's. The words appear in the distribution error body, which RegistryError carries.
 */
import { RegistryError } from './registry-error.js';

/** Phrases by which registries say a tag is immutable (compared case-insensitively). */
const IMMUTABLE_TAG_PHRASES: readonly string[] = [
  // Google Artifact Registry (kaniko's list)
  'the repository has enabled tag immutability',
  // Amazon ECR: 400 TAG_INVALID "… cannot be overwritten because the repository is immutable." (kaniko's list)
  'cannot be overwritten because the repository is immutable',
  // Amazon ECR's API exception name, which some front ends pass through
  'imagetagalreadyexistsexception',
  // Harbor tag immutability rules: 412 "… configured as immutable"
  'configured as immutable',
];

/** True when `err` is a manifest PUT refused because the tag may not move. */
export function isImmutableTagError(err: unknown): boolean {
  if (!(err instanceof RegistryError) || err.method !== 'PUT' || !err.url.includes('/manifests/')) return false;
  const said = [err.message, ...err.diagnostics.map((d) => `${d.code} ${d.message}`)].join('\n').toLowerCase();
  return IMMUTABLE_TAG_PHRASES.some((p) => said.includes(p));
}
