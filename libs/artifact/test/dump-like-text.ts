/**
 * Deterministic text shaped like a `pg_dump` of a multi-tenant application (COPY blocks of rows
 * with ids, tenants, e-mails, timestamps, JSON and free text): compresses like real dumps do,
 * unlike random bytes or zeros. For tests and the throughput script.
 */

const WORDS = (
  'invoice payment customer order shipped pending refund account tenant backup restore schedule ' +
  'retention policy storage region primary replica snapshot archive daily weekly monthly quarterly ' +
  'report summary total amount balance credit debit transfer approved rejected review support ticket ' +
  'priority high medium low open closed resolved escalated user admin owner member guest team project ' +
  'task milestone release version feature bug fix deploy rollback incident alert warning error notice ' +
  'the a of and to in for with on by from at is was be are this that note please thanks regards'
).split(' ');
const FIRST = 'alice bob carol dave erin frank grace heidi ivan judy mallory niaj olivia peggy rupert sybil trent victor walter'.split(' ');
const LAST = 'smith jones taylor brown williams wilson johnson davies robinson wright thompson evans walker white roberts green'.split(' ');
const DOMAINS = ['example.com', 'example.org', 'mail.test', 'corp.example', 'acme.test'];
const STATUS = ['active', 'suspended', 'trial', 'cancelled', 'pending'];
const PLANS = ['free', 'starter', 'pro', 'enterprise'];
const TABLES = ['invoices', 'orders', 'customers', 'tickets', 'events'];

/** mulberry32: a small, fast, seeded generator. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Yields about `totalBytes` of dump-like text in pieces of about `pieceBytes`, generated as it
 * goes (constant memory). The same seed gives the same text.
 */
export function* dumpLikeText(totalBytes: number, pieceBytes = 1024 * 1024, seed = 42): Generator<Buffer> {
  const rnd = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
  let produced = 0;
  let id = 1;
  while (produced < totalBytes) {
    const lines: string[] = [];
    let size = 0;
    while (size < pieceBytes) {
      let line: string;
      if (id % 5000 === 1) {
        line = `\\.\n\nCOPY public.${pick(TABLES)} (id, tenant_id, email, created_at, status, settings, amount, note) FROM stdin;\n`;
      } else {
        const first = pick(FIRST);
        const last = pick(LAST);
        const day = String(1 + Math.floor(rnd() * 28)).padStart(2, '0');
        const time = `${String(Math.floor(rnd() * 24)).padStart(2, '0')}:${String(Math.floor(rnd() * 60)).padStart(2, '0')}:${String(Math.floor(rnd() * 60)).padStart(2, '0')}`;
        const words: string[] = [];
        for (let n = 3 + Math.floor(rnd() * 10); n > 0; n--) words.push(pick(WORDS));
        line =
          `${id}\ttenant_${Math.floor(rnd() * 500)}\t${first}.${last}${Math.floor(rnd() * 100)}@${pick(DOMAINS)}\t` +
          `2024-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${day} ${time}+00\t${pick(STATUS)}\t` +
          `{"plan": "${pick(PLANS)}", "seats": ${Math.floor(rnd() * 200)}}\t${(rnd() * 10000).toFixed(2)}\t${words.join(' ')}\n`;
      }
      id++;
      lines.push(line);
      size += line.length;
    }
    const piece = Buffer.from(lines.join(''), 'latin1');
    produced += piece.length;
    yield piece;
  }
}
