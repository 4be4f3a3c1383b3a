/** The bench's machinery: child processes, their memory, and autocannon rounds alternating between sides. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

/** Starts a child process and waits until `readyUrl` answers. */
export async function start(name: string, args: string[], env: Record<string, string>, readyUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) break;
    if (
      await fetch(readyUrl).then(
        (r) => r.status < 500,
        () => false,
      )
    ) {
      if (child.exitCode === null) return child;
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill();
  throw new Error(`${name} did not start: ${output.slice(-2000)}`);
}

export function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export interface Measure {
  requestsPerSec: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  rssMb: number;
}

export interface Target {
  url: string;
  body: string;
  headers: Record<string, string>;
  pid: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export interface Rounds {
  rounds: number;
  duration: number;
  warmup: number;
  /** Waits until the database has finished what the previous side left running (clients that gave up do not stop their statements). */
  settle?: () => Promise<void>;
}

/** Warms every target, then measures them in alternating rounds; answers the median of each side. */
export async function compare(targets: Target[], opts: Rounds): Promise<Measure[]> {
  for (const t of targets) {
    await opts.settle?.();
    await measure(t, opts.warmup);
  }
  const runs: Measure[][] = targets.map(() => []);
  for (let round = 0; round < opts.rounds; round++) {
    for (const [i, t] of targets.entries()) {
      await opts.settle?.();
      runs[i].push(await measure(t, opts.duration));
    }
  }
  return runs.map((list) => ({
    requestsPerSec: median(list.map((m) => m.requestsPerSec)),
    p99Ms: median(list.map((m) => m.p99Ms)),
    errors: list.reduce((n, m) => n + m.errors, 0),
    non2xx: list.reduce((n, m) => n + m.non2xx, 0),
    rssMb: Math.max(...list.map((m) => m.rssMb)),
  }));
}

export async function measure(target: Target, duration: number): Promise<Measure> {
  const { url, body, headers, pid } = target;
  const options = { url, method: 'POST' as const, body, headers: { 'content-type': 'application/json', ...headers }, connections: 10 };
  let peak = rssMb(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 250);
  const result = await autocannon({ ...options, duration });
  clearInterval(timer);
  return {
    requestsPerSec: Math.round(result.requests.average),
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    rssMb: Math.round(Math.max(peak, rssMb(pid))),
  };
}

export async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return res.json();
}
