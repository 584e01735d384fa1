/**
 * Reading extended attributes of many files at once: for the entries a layer carries, so
 * `security.capability` (and `user.*`, ACLs…) survive a RUN layer, and for COPY sources. Node has no xattr API; `getfattr` (Debian package `attr`) reads
 * them, one spawn per batch of paths rather than per file. `security.selinux` is left out: it is
 * the build host's label, not the image's (containerd's differ drops it too).
 */
import { spawn } from 'node:child_process';
import { TsbuildError } from '../oci/index.js';

/** Host path → attribute name → raw value. Paths without attributes are absent. */
export type XattrTable = Map<string, Map<string, Buffer>>;

const BATCH_ARG_BYTES = 64 * 1024;
const SKIPPED = new Set(['security.selinux']);

/** Reads the xattrs of `hostPaths` (symlinks not followed). */
export async function readXattrs(hostPaths: readonly string[]): Promise<XattrTable> {
  const table: XattrTable = new Map();
  let batch: string[] = [];
  let bytes = 0;
  for (const path of hostPaths) {
    batch.push(path);
    bytes += Buffer.byteLength(path) + 1;
    if (bytes >= BATCH_ARG_BYTES) {
      parseDump(await getfattr(batch), table);
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length > 0) parseDump(await getfattr(batch), table);
  return table;
}

function getfattr(paths: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('getfattr', ['-h', '-d', '-m', '-', '-e', 'hex', '--absolute-names', '--', ...paths], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 4096) stderr += chunk;
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'ENOENT' ? 'getfattr was not found in PATH (Debian package "attr")' : error.message;
      reject(new TsbuildError('TSB_LAYER_INVALID', `cannot read extended attributes: ${why}`, { cause: error }));
    });
    child.on('close', (code) => {
      // Filesystems without xattr support answer "Operation not supported": nothing to carry.
      if (code === 0 || /Operation not supported/.test(stderr)) resolve(Buffer.concat(out).toString('latin1'));
      else reject(new TsbuildError('TSB_LAYER_INVALID', `getfattr failed: ${stderr.trim()}`));
    });
  });
}

/** getfattr's dump: `# file: <escaped path>` then `name=0x<hex>` lines, a blank line after. */
function parseDump(dump: string, table: XattrTable): void {
  let current: Map<string, Buffer> | undefined;
  for (const line of dump.split('\n')) {
    if (line.startsWith('# file: ')) {
      current = new Map();
      table.set(unescapeName(line.slice('# file: '.length)), current);
      continue;
    }
    const eq = line.indexOf('=');
    if (current === undefined || eq <= 0) continue;
    const name = unescapeName(line.slice(0, eq));
    const value = line.slice(eq + 1);
    if (SKIPPED.has(name)) continue;
    current.set(name, value.startsWith('0x') ? Buffer.from(value.slice(2), 'hex') : Buffer.alloc(0));
  }
  for (const [path, attrs] of table) if (attrs.size === 0) table.delete(path);
}

/** getfattr writes bytes outside printable ASCII, and `\`, as `\ooo` octal escapes. */
function unescapeName(text: string): string {
  const bytes = Buffer.from(text.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8))), 'latin1');
  return bytes.toString('utf8');
}
