/**
 * An HTTP proxy in front of an S3 server that can make chosen reads fail or come back altered, as a
 * flaky provider or a bad disk behind it would, and that records every request it passed on.
 * Requests wait until `forwardTo` names the server (the system's services start before it is known).
 */
import { type IncomingMessage, type ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  /** The path, without the query string. */
  path: string;
  query: string;
}

export interface FaultyS3 {
  endpoint: string;
  /** Every request seen, in order. */
  readonly requests: ProxiedRequest[];
  forwardTo(endpoint: string): void;
  /** GETs of paths (/bucket/key) matching `pattern` answer 500 InternalError (null: none). */
  failReads(pattern: RegExp | null): void;
  /** GETs of paths matching `pattern` come back with one byte flipped (null: none). */
  alterReads(pattern: RegExp | null): void;
  close(): Promise<void>;
}

export async function startFaultyS3(): Promise<FaultyS3> {
  let target: URL | undefined;
  let targetKnown: () => void = () => undefined;
  const known = new Promise<void>((resolve) => (targetKnown = resolve));
  let failing: RegExp | null = null;
  let altering: RegExp | null = null;
  const requests: ProxiedRequest[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    await known;
    const url = new URL(req.url ?? '/', 'http://proxy');
    requests.push({ method: req.method ?? '', path: decodeURIComponent(url.pathname), query: url.search });
    const read = req.method === 'GET';
    if (read && failing?.test(url.pathname)) {
      req.resume();
      res.writeHead(500, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>injected read failure</Message></Error>');
      return;
    }
    const alter = read && altering?.test(url.pathname);
    const upstream = request(
      { host: target!.hostname, port: target!.port, method: req.method, path: req.url, headers: { ...req.headers, host: target!.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (!alter) {
          answer.pipe(res);
          return;
        }
        let first = true;
        answer.on('data', (chunk: Buffer) => {
          if (first && chunk.length > 0) {
            chunk = Buffer.from(chunk);
            chunk[chunk.length - 1] ^= 0xff;
            first = false;
          }
          res.write(chunk);
        });
        answer.on('end', () => res.end());
      },
    );
    // The server behind is down: so is this one, as the client sees it.
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    forwardTo(endpoint) {
      target = new URL(endpoint);
      targetKnown();
    },
    failReads(pattern) {
      failing = pattern;
    },
    alterReads(pattern) {
      altering = pattern;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
