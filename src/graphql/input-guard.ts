/**
 * Values PostgreSQL cannot take, refused whole before anything runs: text cannot hold NUL (in a
 * string or an object key), and JSON nested deeper than MAX_JSON_DEPTH is no one's real input (and
 * costs recursion in every layer below). Checked for yoga's request parameters and for the variables
 * shims pass to runOperation; iterative, so no depth overflows it.
 */
export const MAX_JSON_DEPTH = 64;

export const NUL_MESSAGE = 'Strings must not contain NUL characters';
export const DEPTH_MESSAGE = `JSON must not be nested more than ${MAX_JSON_DEPTH} levels deep`;

/** Why `value` is not acceptable input (NUL_MESSAGE or DEPTH_MESSAGE), or null when it is. */
export function inputProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | null {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length) {
    const next = stack.pop()!;
    const v = next.value;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return NUL_MESSAGE;
    } else if (v !== null && typeof v === 'object') {
      if (next.depth >= maxDepth) return DEPTH_MESSAGE;
      const depth = next.depth + 1;
      if (Array.isArray(v)) {
        for (const item of v) stack.push({ value: item, depth });
      } else {
        for (const [key, item] of Object.entries(v)) {
          if (key.includes('\u0000')) return NUL_MESSAGE;
          stack.push({ value: item, depth });
        }
      }
    }
  }
  return null;
}
