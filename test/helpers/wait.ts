/**
 * Polls `check` until it answers something truthy and answers that; fails after `seconds` (generous:
 * a test waits for a condition, never for a fixed time). `between` runs before each new poll.
 */
export async function until<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  what: string,
  opts: { seconds?: number; between?: () => void } = {},
): Promise<T> {
  const end = Date.now() + (opts.seconds ?? 60) * 1000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    opts.between?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
