/** Ledger statuses (a light module: the tool layer needs these without loading the ledger). */
export type LedgerStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled' | 'unknown';
export const TERMINAL: ReadonlySet<LedgerStatus> = new Set(['succeeded', 'failed', 'canceled', 'unknown']);
