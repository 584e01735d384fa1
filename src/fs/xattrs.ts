/**
 * Extended attributes carried as PAX records `SCHILY.xattr.<name>`. Node has no xattr API, so
 * they are applied by `setfattr` (Debian package `attr`). A missing setfattr fails the layer;
 * a filesystem or privilege refusal (ENOTSUP / EPERM) is collected and warned about, as moby does.
 */
import { TsbuildError } from '../oci/index.js';
import { runTool } from './run-tool.js';

const PAX_XATTR_PREFIX = 'SCHILY.xattr.';

/** The xattrs named in an entry's PAX records, as [name, value] pairs. */
export function paxXattrs(pax: Readonly<Record<string, string>> | null | undefined, entryName: string): [string, string][] {
  if (pax === null || pax === undefined) return [];
  const result: [string, string][] = [];
  for (const [key, value] of Object.entries(pax)) {
    if (!key.startsWith(PAX_XATTR_PREFIX)) continue;
    // tar-stream decodes PAX values as UTF-8, so bytes that are not UTF-8 arrive as U+FFFD and
    // the original value is lost; writing the mangled value would corrupt the attribute.
    if (value.includes('\uFFFD')) {
      throw new TsbuildError(
        'TSB_LAYER_INVALID',
        `layer entry ${JSON.stringify(entryName)} carries a binary extended attribute ${key.slice(PAX_XATTR_PREFIX.length)} that cannot be read faithfully (not valid UTF-8)`,
      );
    }
    result.push([key.slice(PAX_XATTR_PREFIX.length), value]);
  }
  return result;
}

/**
 * Sets each xattr on `hostPath` without following a symlink. Returns the `path name` pairs the
 * filesystem refused (not supported / not permitted); throws on any other failure.
 */
export async function applyXattrs(hostPath: string, xattrs: readonly [string, string][]): Promise<string[]> {
  const refused: string[] = [];
  for (const [name, value] of xattrs) {
    const hex = `0x${Buffer.from(value, 'utf8').toString('hex')}`;
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
