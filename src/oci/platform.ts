import type { Descriptor, Platform } from './schemas.js';

/** The platform tsbuild builds for unless told otherwise. */
export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

/** Parses `os/arch[/variant]`. */
export function parsePlatform(text: string): Platform | undefined {
  const [os, architecture, variant, ...rest] = text.split('/');
  if (!os || !architecture || rest.length > 0) return undefined;
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** arm64 without a variant means v8; arm without one means v7 (containerd's normalisation). */
function normalisedVariant(p: Platform): string | undefined {
  if (p.variant) return p.variant;
  if (p.architecture === 'arm64') return 'v8';
  if (p.architecture === 'arm') return 'v7';
  return undefined;
}

/** True when an index entry's platform satisfies the wanted one. */
export function platformMatches(entry: Platform, wanted: Platform): boolean {
  if (entry.os !== wanted.os || entry.architecture !== wanted.architecture) return false;
  if (!wanted.variant) return true;
  return normalisedVariant(entry) === normalisedVariant(wanted);
}

/** Buildx attestation manifests carry this annotation; they are never a runnable image. */
export function isAttestation(d: Descriptor): boolean {
  return d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || d.platform?.os === 'unknown';
}

/** The first non-attestation index entry for the platform. */
export function selectPlatform(entries: readonly Descriptor[], wanted: Platform): Descriptor | undefined {
  return entries.find((d) => !isAttestation(d) && d.platform !== undefined && platformMatches(d.platform, wanted));
}
