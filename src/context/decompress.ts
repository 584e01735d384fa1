/**
 * Decompressing a local file as Docker's archive code recognises it (moby `DetectCompression`):
 * by magic bytes, never by file name. gzip is decompressed in-process; bzip2, xz and zstd by
 * their programs (Debian packages `bzip2`, `xz-utils`, `zstd`), since Node has no decoder for
 * the first two and the zstd binary is far faster than JavaScript.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { TsbuildError } from '../oci/index.js';

/** A compression format ADD knows. */
export type Compression = 'none' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

const MAGIC: readonly [Compression, Buffer][] = [
  ['bzip2', Buffer.from('BZh', 'latin1')],
  ['gzip', Buffer.from([0x1f, 0x8b, 0x08])],
  ['xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])],
  ['zstd', Buffer.from([0x28, 0xb5, 0x2f, 0xfd])],
];

const TOOLS: Readonly<Record<'bzip2' | 'xz' | 'zstd', { file: string; debian: string }>> = {
  bzip2: { file: 'bzip2', debian: 'bzip2' },
  xz: { file: 'xz', debian: 'xz-utils' },
  zstd: { file: 'zstd', debian: 'zstd' },
};

/** The compression of a file from its first bytes. */
export async function detectCompression(hostPath: string): Promise<Compression> {
  const handle = await open(hostPath, 'r');
  try {
    const head = Buffer.alloc(6);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const start = head.subarray(0, bytesRead);
    return MAGIC.find(([, magic]) => start.length >= magic.length && start.subarray(0, magic.length).equals(magic))?.[0] ?? 'none';
  } finally {
    await handle.close();
  }
}

/** A fresh stream of the file's decompressed bytes; the caller destroys it. */
export function openDecompressed(hostPath: string, compression: Compression): Readable {
  const file = createReadStream(hostPath);
  if (compression === 'none') return file;
  if (compression === 'gzip') return pipeline(file, createGunzip(), () => undefined);
  return throughTool(file, TOOLS[compression]);
}

/**
 * Pipes `input` through `<tool> -dc`. The output ends only once the tool has exited, with an
 * error when the tool is missing or failed, so a truncated stream never passes for a whole one.
 */
function throughTool(input: Readable, tool: { file: string; debian: string }): Readable {
  const child = spawn(tool.file, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < 4096) stderr += chunk;
  });
  const exited = new Promise<Error | undefined>((resolve) => {
    child.on('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'ENOENT' ? `${tool.file} was not found in PATH (Debian package "${tool.debian}")` : error.message;
      resolve(new TsbuildError('TSB_COPY_SOURCE', `cannot decompress an ADD source: ${why}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      resolve(code === 0 ? undefined : new TsbuildError('TSB_COPY_SOURCE', `${tool.file} -dc failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
  });
  // A consumer that stops early (the archive sniffer) closes the pipes under the tool: no error.
  pipeline(input, child.stdin, () => undefined);
  const gate = new Transform({
    transform: (chunk: Buffer, _encoding, done) => done(null, chunk),
    flush: (done) => void exited.then((error) => done(error)),
  });
  gate.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  });
  return pipeline(child.stdout, gate, () => undefined);
}
