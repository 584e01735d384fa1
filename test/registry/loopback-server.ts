/** A plain node:http server on a free loopback port, for registry behaviours docker-registry cannot show. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface LoopbackServer extends AsyncDisposable {
  readonly host: string;
  readonly url: string;
}

/** Starts `handler` on 127.0.0.1 with a free port; closes (dropping keep-alive sockets) on dispose. */
export async function loopbackServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<LoopbackServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('server has no address');
  const host = `127.0.0.1:${address.port}`;
  return {
    host,
    url: `http://${host}`,
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
