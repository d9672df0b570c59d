// Makes sure the machine's PostgreSQL and NATS answer, starting them with the machine's own
// commands when they are down (as root), or saying exactly what to start.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';

function answers(port, host = '127.0.0.1', timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitFor(port, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await answers(port)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

const POSTGRES = {
  name: 'PostgreSQL',
  port: 5432,
  start() {
    const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
    if (versions.length === 0) throw new Error('no PostgreSQL cluster in /etc/postgresql (apt-get install postgresql)');
    execSync(`pg_ctlcluster --skip-systemctl-redirect ${versions[0]} main start`, { stdio: 'inherit' });
  },
  hint: 'start PostgreSQL 15 on 127.0.0.1:5432 (trust auth for user postgres) or set LIFEBOAT_DATABASE_URL',
};

const NATS = {
  name: 'NATS',
  port: 4222,
  start() {
    execSync(
      'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log',
      { stdio: 'inherit' },
    );
  },
  hint: 'start nats-server with JetStream (-js) on 127.0.0.1:4222 or set LIFEBOAT_NATS_URL',
};

/** Resolves when both answer; throws with what to do otherwise. */
export async function ensureLocalServices(log = console.log) {
  for (const svc of [POSTGRES, NATS]) {
    if (await answers(svc.port)) continue;
    log(`${svc.name} is not answering on 127.0.0.1:${svc.port}; starting it`);
    try {
      svc.start();
    } catch (err) {
      throw new Error(`could not start ${svc.name}: ${err.message}\n${svc.hint}`);
    }
    if (!(await waitFor(svc.port, 30))) throw new Error(`${svc.name} did not come up on port ${svc.port}: ${svc.hint}`);
  }
}
