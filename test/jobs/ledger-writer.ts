/**
 * Child process for the ledger tests: writes job records as fast as it can.
 * argv: stateDir prefix count ('inf' = until killed) [shared]
 * With `shared`, every writer also rewrites the same ten job ids (contention on one file).
 */
import { Ledger, type JobRecord } from '../../src/jobs/ledger.js';

const [stateDir, prefix, countArg, shared] = process.argv.slice(2) as [string, string, string, string | undefined];
const ledger = new Ledger(stateDir);
const count = countArg === 'inf' ? Infinity : Number(countArg);

function record(id: string, i: number): JobRecord {
  const now = new Date().toISOString();
  return {
    job_id: id,
    provider: 'simulator',
    model: 'hailuo-02',
    params: { prompt: `${prefix} ${i} ${'x'.repeat(2000)}` },
    status: i % 4 === 3 ? 'succeeded' : i % 3 === 0 ? 'running' : 'queued',
    simulated: true,
    created_at: now,
    updated_at: now,
  };
}

for (let i = 0; i < count; i++) {
  await ledger.put({ ...record(`${prefix}-${i}`, i), idempotency_key: `${prefix}-key-${i}` });
  if (shared) await ledger.put(record(`shared-${i % 10}`, i));
  if (i === 5) process.stdout.write('ready\n');
}
process.stdout.write('done\n');
