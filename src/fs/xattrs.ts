/**
 * Extended attributes carried as PAX records `SCHILY.xattr.<name>` (read raw by raw-pax.ts). Node
 * has no xattr API, so they are applied by `setfattr` (Debian package `attr`). A missing setfattr fails the layer;
 * a filesystem or privilege refusal (ENOTSUP / EPERM) is collected and warned about, as moby does.
 */
import { TsbuildError } from '../oci/index.js';
import { runTool } from './run-tool.js';

/**
 * Sets each xattr on `hostPath` without following a symlink. Returns the `path name` pairs the
 * filesystem refused (not supported / not permitted); throws on any other failure.
 */
export async function applyXattrs(hostPath: string, xattrs: ReadonlyMap<string, Buffer>): Promise<string[]> {
  const refused: string[] = [];
  for (const [name, value] of xattrs) {
    const hex = `0x${value.toString('hex')}`;
    const result = await runTool('setfattr', ['-h', '-n', name, '-v', hex, '--', hostPath], 'attr');
    if (result.code === 0) continue;
    if (/Operation not (supported|permitted)/.test(result.stderr)) {
      refused.push(`${hostPath} ${name}`);
      continue;
    }
    throw new TsbuildError('TSB_LAYER_INVALID', `setting xattr ${name} on ${hostPath} failed: ${result.stderr}`);
  }
  return refused;
}
