/**
 * A blocklist server on 127.0.0.1 for the tests: serves the current text at any path with a strong ETag and a
 * Last-Modified, answers a matching If-None-Match with 304 (RFC 9110), can be told to fail with a status, and
 * records every request's method, path and headers.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

export class ListServer {
  text = '';
  /** A status to answer every request with instead of the list (500, 503, ...). */
  failWith?: number;
  /** Milliseconds to wait before answering. */
  delayMs = 0;
  readonly requests: Recorded[] = [];
  private modified = new Date('2026-11-25T10:00:00Z');

  private constructor(private readonly server: Server) {}

  static async start(): Promise<ListServer> {
    const server = createServer();
    const s = new ListServer(server);
    server.on('request', (req, res) => {
      s.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
      const answer = (): void => {
        if (s.failWith) {
          res.writeHead(s.failWith, { 'Content-Type': 'text/plain' }).end('failing on purpose\n');
          return;
        }
        const etag = `"${createHash('sha1').update(s.text).digest('hex').slice(0, 16)}"`;
        if (req.headers['if-none-match'] === etag) {
          res.writeHead(304, { ETag: etag }).end();
          return;
        }
        res.writeHead(200, { 'Content-Type': 'text/plain', ETag: etag, 'Last-Modified': s.modified.toUTCString() }).end(s.text);
      };
      if (s.delayMs) setTimeout(answer, s.delayMs);
      else answer();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return s;
  }

  /** New content: a new ETag and a later Last-Modified. */
  set(text: string): void {
    this.text = text;
    this.modified = new Date(this.modified.getTime() + 60_000);
  }

  url(path = '/list.txt'): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
