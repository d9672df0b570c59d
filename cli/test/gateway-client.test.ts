/**
 * GatewayClient's subscriptions against a graphql-ws server speaking the protocol by hand:
 * the token in `connection_init`, the variables, delivery, and errors mapped to codes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { Secret } from '@lifeboat/config';
import { GatewayClient } from '../src/gateway-client';

interface Message {
  id?: string;
  type: string;
  payload?: { variables?: Record<string, unknown> } & Record<string, unknown>;
}

const inits: unknown[] = [];
const subscribes: Message['payload'][] = [];
let server: Server;
let url: string;

/** Per subscription: two progress messages then complete; a `jobId` of "forbidden" gets an error; "refuse" closes with 4403. */
before(async () => {
  server = createServer();
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => {
    const send = (message: Message): void => socket.send(JSON.stringify(message));
    socket.on('message', (raw: Buffer) => {
      const message = JSON.parse(raw.toString()) as Message;
      if (message.type === 'connection_init') {
        inits.push(message.payload);
        send({ type: 'connection_ack' });
      } else if (message.type === 'subscribe') {
        subscribes.push(message.payload);
        const jobId = message.payload?.variables?.jobId;
        if (jobId === 'refuse') socket.close(4403, 'Forbidden');
        else if (jobId === 'forbidden') {
          send({ id: message.id, type: 'error', payload: [{ message: 'not yours', extensions: { code: 'FORBIDDEN' } }] as never });
        } else {
          for (const bytesIn of [1000, 2000]) {
            send({ id: message.id, type: 'next', payload: { data: { backupProgress: { phase: 'dump', bytesIn, bytesOut: bytesIn / 2 } } } });
          }
          send({ id: message.id, type: 'complete' });
        }
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

const PROGRESS = 'subscription P($jobId: ID!) { backupProgress(jobId: $jobId) { phase bytesIn bytesOut } }';

test('a subscription authenticates in connection_init and delivers each message', async () => {
  const sut = new GatewayClient(url, new Secret('t0ken'));
  const got: unknown[] = [];
  await new Promise<void>((resolve, reject) => {
    sut.subscribe<{ backupProgress: { bytesIn: number } }>(PROGRESS, { jobId: 'job-1' }, {
      next: (data) => {
        got.push(data.backupProgress.bytesIn);
        if (got.length === 2) resolve();
      },
      error: reject,
    });
  });
  await sut.close();
  assert.deepEqual(got, [1000, 2000]);
  assert.deepEqual(inits.at(-1), { authorization: 'Bearer t0ken' });
  assert.deepEqual(subscribes.at(-1)?.variables, { jobId: 'job-1' });
});

async function failureOf(client: GatewayClient, jobId: string): Promise<{ code: string }> {
  const err = await new Promise<{ code: string }>((resolve) => {
    client.subscribe(PROGRESS, { jobId }, { next: () => {}, error: resolve });
  });
  await client.close();
  return err;
}

test('a GraphQL error on a subscription arrives with its code', async () => {
  const err = await failureOf(new GatewayClient(url, new Secret('t0ken')), 'forbidden');
  assert.equal(err.code, 'FORBIDDEN');
});

test('refused credentials (close 4403) read as UNAUTHENTICATED', async () => {
  const err = await failureOf(new GatewayClient(url, new Secret('bad')), 'refuse');
  assert.equal(err.code, 'UNAUTHENTICATED');
});

test('no server: DEPENDENCY_UNAVAILABLE', async () => {
  const gone = createServer();
  await new Promise<void>((done) => gone.listen(0, '127.0.0.1', done));
  const { port } = gone.address() as AddressInfo;
  await new Promise((done) => gone.close(done));
  const err = await failureOf(new GatewayClient(`http://127.0.0.1:${port}/graphql`, new Secret('t0ken')), 'job-1');
  assert.equal(err.code, 'DEPENDENCY_UNAVAILABLE');
});
