/**
 * COPY keeps extended attributes, as BuildKit's copy does (fsutil `copyXAttrs`): a binary with
 * `security.capability` copied from the context or from another stage keeps its capabilities.
 * They are read for all sources in one batched getfattr pass and set after ownership, since a
 * chown clears `security.capability`. A filesystem that refuses an attribute (no support, no
 * permission) is skipped, as BuildKit's Dockerfile copy ignores such errors.
 */
import { readXattrs } from './read-xattrs.js';
import { applyXattrs } from './xattrs.js';

/** Copies the xattrs of each source onto its target (target → source host paths). */
export async function copyXattrs(origins: ReadonlyMap<string, string>): Promise<void> {
  if (origins.size === 0) return;
  const table = await readXattrs([...new Set(origins.values())]);
  if (table.size === 0) return;
  for (const [target, source] of origins) {
    const attrs = table.get(source);
    if (attrs !== undefined) await applyXattrs(target, attrs);
  }
}
