/** A loopback HTTP server for a browser test's page and scripts (fixed files, nothing else). */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One file the server answers with: its media type and content. */
export interface PageFile {
  /** `Content-Type` value. */
  type: string;
  /** The body. */
  body: string;
}

/** A running {@link servePage} server. */
export interface PageServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  origin: string;
  /** Stops listening and drops open connections; resolves when closed. */
  close(): Promise<void>;
}

/** Serves `files` (by path, such as `/` and `/page.js`) on 127.0.0.1 at an ephemeral port; 404 otherwise. */
export async function servePage(files: Record<string, PageFile>): Promise<PageServer> {
  const server = createServer((req, res) => {
    const file = req.method === 'GET' ? files[req.url ?? ''] : undefined;
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // A browser keeps idle connections open; without this, close() waits for them.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
