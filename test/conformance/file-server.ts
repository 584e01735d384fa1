/**
 * A static HTTP server over the corpus folder, for `ADD <url>` cases: `GET /<case>/www/<file>`
 * answers the file with a fixed `Last-Modified` (Docker sets the added file's mtime from it).
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, normalize } from 'node:path';

/** A running server; `url` is `http://127.0.0.1:PORT`. */
export interface FileServer extends AsyncDisposable {
  readonly url: string;
}

/** Serves the files under `root` (never above it) on a free loopback port. */
export async function serveFiles(root: string): Promise<FileServer> {
  const server: Server = createServer((req, res) => {
    const rel = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(root, rel);
    const st = rel.includes('..') ? undefined : statSync(file, { throwIfNoEntry: false });
    if (!st?.isFile()) {
      res.writeHead(404).end('not found\n');
      return;
    }
    res.writeHead(200, { 'Content-Length': st.size, 'Content-Type': 'application/octet-stream', 'Last-Modified': 'Mon, 01 Jan 2024 00:00:00 GMT' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('file server has no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    [Symbol.asyncDispose]: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
