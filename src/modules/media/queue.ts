import { AppError } from '../../core/errors.js';

export const BUSY_MESSAGE = 'Too many images are being processed; try again shortly';

/**
 * A small semaphore: `concurrency` jobs at once, `queue` more waiting, and beyond that RATE_LIMITED
 * at once, before any work. Decided synchronously, so jobs start in the order they arrived.
 */
export class BoundedQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  readonly stats = { done: 0, refused: 0, peakRunning: 0 };

  constructor(private readonly limits: { concurrency: number; queue: number }) {}

  get busy(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limits.concurrency) {
      if (this.waiting.length >= this.limits.queue) {
        this.stats.refused += 1;
        return Promise.reject(new AppError('RATE_LIMITED', BUSY_MESSAGE));
      }
      // The job that finishes hands its slot over, so `running` stays as it is.
      return new Promise<void>((resolve) => this.waiting.push(resolve)).then(() => this.start(work));
    }
    this.running += 1;
    return this.start(work);
  }

  private async start<T>(work: () => Promise<T>): Promise<T> {
    this.stats.peakRunning = Math.max(this.stats.peakRunning, this.running);
    try {
      return await work();
    } finally {
      this.stats.done += 1;
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
