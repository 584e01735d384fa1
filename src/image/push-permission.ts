/**
 * The check kaniko runs before a build (`CheckPushPermissions`, go-containerregistry's
 * `remote.CheckPushPermission`): get a push-scoped token and open an upload session, then cancel
 * it. A build that would die at the push, after minutes of work, dies in a second instead.
 */
import { formatReference, type Reference } from '../oci/index.js';
import { RegistryError, type RegistryClient } from '../registry/index.js';

/** Resolves when the client's credentials may push to `ref`'s repository; TSB_REGISTRY_AUTH when they may not. */
export async function checkPushPermission(client: RegistryClient, ref: Reference): Promise<void> {
  try {
    await client.probePushAccess(ref.registry, ref.repository);
  } catch (err) {
    if (!(err instanceof RegistryError)) throw err;
    throw new RegistryError(
      {
        code: err.code,
        registry: err.registry,
        repository: err.repository,
        method: err.method,
        url: err.url,
        ...(err.status === undefined ? {} : { status: err.status }),
        diagnostics: err.diagnostics,
        temporary: err.temporary,
      },
      `cannot push to ${formatReference(ref)}: ${err.message}`,
      { cause: err },
    );
  }
}
