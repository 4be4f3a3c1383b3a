import type { ReadyConfig } from '../bootstrap.js';
import type { Database } from '../db/client.js';

/** Where a command writes: its answer on stdout, progress and notes on stderr. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Resolves once what was written has gone out (long output waits for a slow reader). */
  flush?(): Promise<void>;
}

/** What a command runs with: the open database, the secrets and where to write. */
export interface CommandEnv {
  database: Database;
  /** The configuration with its secrets (given or kept), read when a command needs them. */
  secrets: () => Promise<ReadyConfig>;
  output: Output;
  /** Who runs it, in audit rows' request id: `cli` here, `cli:socket` through the gateway. */
  via: 'cli' | 'cli:socket';
}

/** Progress of long work on stderr, at most once a second (and always the last step). */
export function progress(output: Output, label: string, total?: number): (done: number, last?: boolean) => void {
  let shown = 0;
  const started = Date.now();
  return (done, last = false) => {
    const now = Date.now();
    if (!last && now - shown < 1000) return;
    shown = now;
    const of = total ? ` of ${total} (${Math.floor((done / total) * 100)}%)` : '';
    output.err(`${label}: ${done}${of}, ${((now - started) / 1000).toFixed(1)} s\n`);
  };
}
