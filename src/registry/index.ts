/** registry/: the distribution API client — credentials, auth, TLS/HTTP policy, retries, blobs, manifests. */
export { RegistryClient, type FetchedManifest, type RegistryClientOptions } from './client.js';
export type { TransportPolicy } from './http-transport.js';
export { anonymousCredentials, loadCredentials, type Credential, type CredentialLookup, type CredentialStore } from './credentials.js';
export type { CredentialEnv } from './docker-config.js';
export { RegistryError, type RegistryDiagnostic } from './registry-error.js';
export { redactUrl } from './redact-url.js';
