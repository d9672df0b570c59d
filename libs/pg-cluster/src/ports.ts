/** Free TCP ports on 127.0.0.1, for servers started by this process or its children (a recovery cluster, a test's services). */
import net from 'node:net';

// Below Linux's ephemeral range (32768-60999): a port from that range can be taken, between the
// moment it is found free and the moment a child process listens on it, by the local end of any
// outgoing connection on the machine, and then stays taken for as long as that connection lives.
const FIRST = 20_000;
const LAST = 32_000;
const handedOut = new Set<number>();

function tryListen(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' || err.code === 'EACCES' ? resolve(false) : reject(err)));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port nothing listens on now, never handed out before by this process, outside the ephemeral range. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const port = FIRST + Math.floor(Math.random() * (LAST - FIRST));
    if (handedOut.has(port)) continue;
    if (await tryListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${FIRST} and ${LAST}`);
}
