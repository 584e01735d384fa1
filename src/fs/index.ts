/** fs/: the rootfs — resolving paths inside it, applying layers, users and groups, copying in. */
export { resolveInRoot, resolveInRootSync, containerPathOf, type ResolveOptions } from './resolve-in-root.js';
export { applyLayer, type ApplyLayerOptions, type ApplyStats } from './apply-layer.js';
export { readPasswd, readGroup, parsePasswd, parseGroup, type PasswdEntry, type GroupEntry } from './passwd.js';
export { lookupUser, type ExecUser } from './lookup-user.js';
export { resolveChown, type ChownIds } from './resolve-chown.js';
export { ensureDirInRoot, type DirOwner, type EnsuredDir } from './ensure-dir.js';
export { copyIntoRoot, type CopyIntoRootOptions } from './copy-into-root.js';
export { extractArchive, type ExtractArchiveOptions } from './extract-archive.js';
export type { CopySource, CopySourceEntry } from './copy-source.js';
export { readXattrs, type XattrTable } from './read-xattrs.js';
export { lstatIfExists } from './lstat-if-exists.js';
