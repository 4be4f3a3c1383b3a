import type { Logger } from 'pino';
import type { Database } from './client.js';

/**
 * The loop every outbox worker shares: LISTEN on a channel to wake, a poll as a fallback, one pass
 * at a time (a kick during a pass runs another right after it), and a clean stop that waits for the
 * pass in flight. A subclass says what a pass does.
 */
export abstract class OutboxWorker {
  private timer?: NodeJS.Timeout;
  private unlisten?: () => Promise<void>;
  private running: Promise<void> | null = null;
  private again = false;
  protected stopped = false;

  constructor(
    protected readonly database: Database,
    protected readonly log: Logger,
    private readonly loop: { channel: string; name: string; pollMs?: number },
  ) {}

  /** Work until nothing is due; rows waiting for a retry are found by a later kick or poll. */
  abstract pass(): Promise<void>;

  get pollMs(): number {
    return this.loop.pollMs ?? 5_000;
  }

  async start(): Promise<void> {
    this.unlisten = await this.database.listen(
      this.loop.channel,
      () => this.kick(),
      () => this.kick(),
    );
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    await unlisten?.();
    await this.running;
  }

  /** Runs a pass now (or right after the current one). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((error) => this.log.error({ err: error }, `${this.loop.name} pass failed`))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** A retry due before the next poll (tests, short retry settings) should not wait for the poll. */
  protected kickIn(ms: number): void {
    if (ms < this.pollMs) setTimeout(() => this.kick(), ms).unref();
  }
}
