/**
 * Money guards, checked before any paid request goes out:
 *  - `max_cost_usd` on a call refuses it when the estimate is higher, or unknown;
 *  - VIDEOGEN_CONFIRM_ABOVE_USD asks the human (form elicitation) when the estimate is above it; a
 *    client that cannot ask gets a refusal saying which setting allows the call. Nothing the agent can
 *    pass bypasses the human;
 *  - VIDEOGEN_BUDGET_USD_DAILY caps estimated spend per calendar day (local time), enforced across
 *    every server process sharing the store: the store books each reservation atomically with the cap
 *    check (JobStore.reserveSpend: serialized within the process and across processes, so 200
 *    concurrent calls get exact answers, never a lock error), and a reservation is released when the
 *    submit proves no job was made. A team store adds a per-principal cap.
 */
import type { ProviderId } from '../catalog/types.js';
import { VideogenError } from '../errors.js';
import { localDay, type JobStore, type SpendTotals as StoreSpendTotals } from '../store/types.js';
import type { JobRecord } from './ledger.js';

export { localDay };

export interface SpendRequest {
  key: string;
  model: string;
  provider: ProviderId;
  native_model: string;
  duration_seconds: number | undefined;
  output_resolution: string | undefined;
  estimated_cost_usd: number | undefined;
  max_cost_usd: number | undefined;
  /** The team member spending (HTTP); undefined for a single user. */
  principal?: string | undefined;
}

export interface ConfirmAsker {
  confirm?: ((q: Omit<SpendRequest, 'key' | 'max_cost_usd' | 'principal'>) => Promise<boolean>) | undefined;
}

/** The store's spend figures plus the daily cap they are held against. */
export interface SpendTotals extends StoreSpendTotals {
  daily_cap_usd: number | undefined;
}

const usd = (n: number) => `$${n.toFixed(2)}`;

export interface SpendGuardOptions {
  /** Cap on the whole store's estimated spend per local day (VIDEOGEN_BUDGET_USD_DAILY; a team's budget). */
  dailyCapUsd: number | undefined;
  /** Cap per principal per day (teams). */
  principalDailyCapUsd?: number | undefined;
  confirmAboveUsd: number | undefined;
  now?: () => number;
}

export class SpendGuard {
  constructor(
    private readonly store: JobStore,
    private readonly opts: SpendGuardOptions,
  ) {}

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
    const principalCap = req.principal !== undefined ? this.opts.principalDailyCapUsd : undefined;
    if (cap !== undefined || principalCap !== undefined) {
      if (est === undefined)
        throw new VideogenError(
          'budget',
          `A daily budget is set (VIDEOGEN_BUDGET_USD_DAILY=${cap ?? principalCap}) and the price of ${where} is unknown, so the call was refused; nothing was submitted. Pass provider to choose one with a known price (see list_models), or ask the user whether to lift the daily budget (a server setting only they can change).`,
          { noJobCreated: true },
        );
    }
    const threshold = this.opts.confirmAboveUsd;
    if (threshold !== undefined && (est === undefined || est > threshold)) {
      if (!asker.confirm)
        throw new VideogenError(
          'budget',
          `${where} is estimated at ${est === undefined ? 'an unknown price' : usd(est)}, above VIDEOGEN_CONFIRM_ABOVE_USD=${threshold}, and this client cannot ask the user to confirm (no form elicitation support). Nothing was submitted. Ask the user: they can approve by raising VIDEOGEN_CONFIRM_ABOVE_USD (a server setting only they can change), or you can pick a cheaper request (see list_models).`,
          { noJobCreated: true },
        );
      // Do not ask the human about a call the budget would refuse anyway.
      if (est !== undefined && (cap !== undefined || principalCap !== undefined)) await this.precheck(req, est, cap, principalCap);
      const { key: _k, max_cost_usd: _m, principal: _p, ...question } = req;
      const ok = await asker.confirm(question);
      if (!ok)
        throw new VideogenError(
          'declined',
          `The user declined the ${est === undefined ? 'unknown-price' : usd(est)} generation on ${req.provider}; nothing was submitted.`,
          { noJobCreated: true },
        );
    }
    // Every priced submit is booked (spend reporting); the cap is checked atomically with the booking.
    if (est !== undefined && est > 0) {
      const r = await this.store.reserveSpend(
        { key: req.key, usd: est, provider: req.provider, model: req.model, principal: req.principal, at: this.now() },
        { daily_usd: cap, principal_daily_usd: principalCap },
      );
      if (!r.ok) throw this.overCap(r.spent_usd, r.cap_usd, est, r.scope);
    }
  }

  /** A cheap look before asking the human; the booking re-checks atomically. */
  private async precheck(req: SpendRequest, est: number, cap: number | undefined, principalCap: number | undefined): Promise<void> {
    const all = await this.store.spendTotals();
    if (cap !== undefined && all.today_estimated_usd + est > cap + 1e-9) throw this.overCap(all.today_estimated_usd, cap, est, 'total');
    if (principalCap !== undefined) {
      const mine = await this.store.spendTotals({ principal: req.principal });
      if (mine.today_estimated_usd + est > principalCap + 1e-9) throw this.overCap(mine.today_estimated_usd, principalCap, est, 'principal');
    }
  }

  private overCap(spent: number, cap: number, est: number, scope: 'total' | 'principal'): VideogenError {
    const whose = scope === 'principal' ? 'Your daily budget' : 'Daily budget';
    // The agent cannot change either: it should ask the person who can.
    const raise =
      scope === 'principal'
        ? "Ask the user to have the team's admin raise their daily budget"
        : 'Ask the user whether to raise the daily budget (VIDEOGEN_BUDGET_USD_DAILY, a server setting only they can change)';
    return new VideogenError(
      'budget',
      `${whose} reached: ${usd(spent)} of ${usd(cap)} already estimated today, and this call is estimated at ${usd(est)}. Nothing was submitted. ${raise}, or wait until tomorrow.`,
      { noJobCreated: true },
    );
  }

  /** The submit proved no job was created: give the reservation back. */
  async release(key: string, principal?: string): Promise<void> {
    await this.store.releaseSpend(key, principal);
  }

  /** The reservation became a job (or an unknown outcome that may be billed): it stays booked. */
  commit(key: string, record: JobRecord): void {
    this.store.commitSpend(key, record.principal).catch(() => undefined);
  }

  /** Today's and all-time spend, estimated and billed. */
  async totals(principal?: string): Promise<SpendTotals> {
    const t = await this.store.spendTotals(principal !== undefined ? { principal } : {});
    return { ...t, daily_cap_usd: this.opts.dailyCapUsd };
  }
}
