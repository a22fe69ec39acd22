/**
 * Money guards, checked before any paid request goes out:
 *  - `max_cost_usd` on a call refuses it when the estimate is higher, or unknown;
 *  - VIDEOGEN_CONFIRM_ABOVE_USD asks the human (form elicitation) when the estimate is above it; a
 *    client that cannot ask gets a refusal saying which setting allows the call. Nothing the agent can
 *    pass bypasses the human;
 *  - VIDEOGEN_BUDGET_USD_DAILY caps estimated spend per calendar day (local time), enforced across
 *    every server process sharing the state directory: a reservation is appended to `spend.jsonl`
 *    under a cross-process lock (proper-lockfile), and released if the submit proves no job was made.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import type { ProviderId } from '../catalog/types.js';
import { VideogenError } from '../errors.js';
import type { JobRecord } from './ledger.js';

export interface SpendRequest {
  key: string;
  model: string;
  provider: ProviderId;
  native_model: string;
  duration_seconds: number | undefined;
  output_resolution: string | undefined;
  estimated_cost_usd: number | undefined;
  max_cost_usd: number | undefined;
}

export interface ConfirmAsker {
  confirm?: ((q: Omit<SpendRequest, 'key' | 'max_cost_usd'>) => Promise<boolean>) | undefined;
}

interface SpendLine {
  key: string;
  day: string;
  usd: number;
  at: string;
  provider: ProviderId;
  model: string;
  /** Set on a line that cancels an earlier reservation with the same key. */
  released?: true;
}

export interface SpendTotals {
  day: string;
  today_estimated_usd: number;
  all_time_estimated_usd: number;
  daily_cap_usd: number | undefined;
}

export function localDay(t: number = Date.now()): string {
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const usd = (n: number) => `$${n.toFixed(2)}`;

export class SpendGuard {
  private readonly file: string;
  private readonly reserved = new Set<string>();

  constructor(
    stateDir: string,
    private readonly opts: { dailyCapUsd: number | undefined; confirmAboveUsd: number | undefined; now?: () => number },
  ) {
    this.file = path.join(stateDir, 'spend.jsonl');
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  async authorize(req: SpendRequest, asker: ConfirmAsker): Promise<void> {
    const est = req.estimated_cost_usd;
    const where = `${req.native_model} on ${req.provider}`;
    if (req.max_cost_usd !== undefined) {
      if (est === undefined)
        throw new VideogenError(
          'budget',
          `The price of ${where} is unknown, so max_cost_usd ${usd(req.max_cost_usd)} cannot be guaranteed; nothing was submitted. Choose a provider with a known price (see list_models) or drop max_cost_usd.`,
          { noJobCreated: true },
        );
      if (est > req.max_cost_usd)
        throw new VideogenError(
          'budget',
          `${where} is estimated at ${usd(est)}, above max_cost_usd ${usd(req.max_cost_usd)}; nothing was submitted. Lower duration_seconds or output_resolution, or raise max_cost_usd.`,
          { noJobCreated: true },
        );
    }
    const cap = this.opts.dailyCapUsd;
    if (cap !== undefined) {
      if (est === undefined)
        throw new VideogenError(
          'budget',
          `A daily budget is set (VIDEOGEN_BUDGET_USD_DAILY=${cap}) and the price of ${where} is unknown, so the call was refused; nothing was submitted. Pass provider to choose one with a known price (see list_models), or ask the user whether to lift the daily budget (VIDEOGEN_BUDGET_USD_DAILY, a server setting only they can change).`,
          { noJobCreated: true },
        );
      // A replay of a submit whose answer was lost already holds a reservation under its key: not twice.
      const spent = (await this.totals(req.key)).today_estimated_usd;
      if (spent + est > cap + 1e-9) throw this.overCap(spent, cap, est);
    }
    const threshold = this.opts.confirmAboveUsd;
    if (threshold !== undefined && (est === undefined || est > threshold)) {
      if (!asker.confirm)
        throw new VideogenError(
          'budget',
          `${where} is estimated at ${est === undefined ? 'an unknown price' : usd(est)}, above VIDEOGEN_CONFIRM_ABOVE_USD=${threshold}, and this client cannot ask the user to confirm (no form elicitation support). Nothing was submitted. Ask the user: they can approve by raising VIDEOGEN_CONFIRM_ABOVE_USD (a server setting only they can change), or you can pick a cheaper request (see list_models).`,
          { noJobCreated: true },
        );
      const { key: _k, max_cost_usd: _m, ...question } = req;
      const ok = await asker.confirm(question);
      if (!ok)
        throw new VideogenError(
          'declined',
          `The user declined the ${est === undefined ? 'unknown-price' : usd(est)} generation on ${req.provider}; nothing was submitted.`,
          { noJobCreated: true },
        );
    }
    // Every priced submit is recorded (spend reporting); with a cap, the check is repeated under the lock.
    if (est !== undefined && est > 0) await this.reserve(req, cap, est);
  }

  private overCap(spent: number, cap: number, est: number): VideogenError {
    return new VideogenError(
      'budget',
      `Daily budget reached: ${usd(spent)} of ${usd(cap)} already estimated today, and this call is estimated at ${usd(est)}. Nothing was submitted. Ask the user whether to raise the daily budget (VIDEOGEN_BUDGET_USD_DAILY, a server setting only they can change), or wait until tomorrow.`,
      { noJobCreated: true },
    );
  }

  private async withLock<T>(fn: () => Promise<T>): Promise<T> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await fs.appendFile(this.file, '');
    const release = await lockfile.lock(this.file, { retries: { retries: 50, minTimeout: 20, maxTimeout: 200 }, stale: 10_000 });
    try {
      return await fn();
    } finally {
      await release();
    }
  }

  /** Atomically check the cap again and append a reservation. */
  private async reserve(req: SpendRequest, cap: number | undefined, est: number): Promise<void> {
    await this.withLock(async () => {
      if (cap !== undefined) {
        const spent = (await this.totalsUnlocked(req.key)).today_estimated_usd;
        if (spent + est > cap + 1e-9) throw this.overCap(spent, cap, est);
      }
      const line: SpendLine = {
        key: req.key,
        day: localDay(this.now()),
        usd: est,
        at: new Date(this.now()).toISOString(),
        provider: req.provider,
        model: req.model,
      };
      await fs.appendFile(this.file, JSON.stringify(line) + '\n');
      this.reserved.add(req.key);
    });
  }

  /** The submit proved no job was created: give the reservation back. */
  async release(key: string): Promise<void> {
    if (!this.reserved.delete(key)) return;
    await this.withLock(async () => {
      const line = { key, day: localDay(this.now()), usd: 0, at: new Date(this.now()).toISOString(), released: true };
      await fs.appendFile(this.file, JSON.stringify(line) + '\n');
    });
  }

  commit(key: string, _record: JobRecord): void {
    this.reserved.delete(key);
  }

  /** Today's and all-time estimated spend; `exceptKey` leaves out that key's own reservation. */
  async totals(exceptKey?: string): Promise<SpendTotals> {
    return this.totalsUnlocked(exceptKey);
  }

  private async totalsUnlocked(exceptKey?: string): Promise<SpendTotals> {
    let text = '';
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const byKey = new Map<string, SpendLine>();
    for (const raw of text.split('\n')) {
      if (!raw.trim()) continue;
      let line: SpendLine;
      try {
        line = JSON.parse(raw) as SpendLine;
      } catch {
        continue; // a torn last line after kill -9
      }
      if (line.released) byKey.delete(line.key);
      else byKey.set(line.key, line);
    }
    const day = localDay(this.now());
    let today = 0;
    let all = 0;
    for (const l of byKey.values()) {
      if (l.key === exceptKey) continue;
      all += l.usd;
      if (l.day === day) today += l.usd;
    }
    return { day, today_estimated_usd: round(today), all_time_estimated_usd: round(all), daily_cap_usd: this.opts.dailyCapUsd };
  }
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;
