/**
 * A stand-in for the gateway's GraphQL HTTP endpoint: it records every request and answers with
 * what the test's `answer` function returns, so tests can check what the CLI sends and how it
 * prints what it gets.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  headers: IncomingHttpHeaders;
  query: string;
  variables: Record<string, unknown>;
}

export interface FakeGateway {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Listens on a free port of 127.0.0.1; `answer` returns the JSON body of the response to a request. */
export async function startFakeGateway(answer: (request: RecordedRequest) => unknown): Promise<FakeGateway> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string; variables?: Record<string, unknown> };
      const request = { headers: req.headers, query: body.query, variables: body.variables ?? {} };
      requests.push(request);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(request)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
