/** snapshot/: what changed in a rootfs (scan, diff) and the deterministic layer tar of it. */
export type { ChangeSet, EntryType, Scan, ScanEntry } from './types.js';
export { scanTree, updateScan, type ScanOptions } from './scan.js';
export { diffScans } from './diff.js';
export { layerTar, type LayerTarOptions } from './layer-tar.js';
