/** registry/: the distribution API client — credentials, auth, TLS/HTTP policy, retries, blobs, manifests. */
export { type Access, RegistryClient, type FetchedManifest, type RegistryClientOptions } from './client.js';
export { DEFAULT_IDLE_TIMEOUT_MS, type TransportPolicy } from './http-transport.js';
export { anonymousCredentials, loadCredentials, type Credential, type CredentialLookup, type CredentialStore } from './credentials.js';
export type { CredentialEnv } from './docker-config.js';
export { RegistryError, type RegistryDiagnostic } from './registry-error.js';
export { redactUrl } from './redact-url.js';
export { isImmutableTagError } from './immutable-tag.js';
