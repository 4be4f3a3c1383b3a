import type { Context } from 'hono';
import { z } from 'zod';
import { asShimError, readJson, ShimError } from '../shim.js';
import { litecordError } from './errors.js';

/**
 * Litecord's admin guild and voice routes validate with cerberus: a failing body is 400
 * `{"error": true, "status": 400, "message": "bad payload", <field>: [<problem>], ...}` (the error
 * dict merged at the top level, as `BadRequest("bad payload", errs)` answers), a missing body
 * "No JSON provided". These helpers give zod the same words and render the envelope.
 */

/** A zod object that answers cerberus' words: "required field", "unknown field". */
export const cerberusObject = <S extends z.ZodRawShape>(shape: S) =>
  // Every other key fails on its own path (z.never() here would make zod report them together at the top).
  z.object(shape).catchall(z.custom<never>(() => false, 'unknown field'));

/** cerberus' "required field" for a missing value, `message` for a wrong one. */
export const required = (message: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? 'required field' : message) });

/** readJson, with a refused body answered as cerberus would ("bad payload", or "No JSON provided"). */
export async function readPayload<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  try {
    return await readJson(c, schema);
  } catch (error) {
    if (!(error instanceof ShimError) || error.code !== 'BAD_INPUT') throw error;
    if (error.fields.length === 0) throw new ShimError('BAD_INPUT', /not valid JSON/.test(error.message) ? 'No JSON provided' : error.message);
    throw new ShimError('BAD_INPUT', 'bad payload', error.fields);
  }
}

/** cerberus' error dict: each top-level field a list of problems; a problem inside a list item nests under its index. */
function errorDict(fields: readonly { path: string[]; message: string }[]): Record<string, unknown[]> {
  const dict: Record<string, unknown[]> = {};
  for (const f of fields) {
    const path = f.path.filter((p) => p !== 'input');
    const key = path[0] ?? '_';
    dict[key] ??= [];
    dict[key].push(path.length > 1 ? { [path.slice(1).join('.')]: [f.message] } : f.message);
  }
  return dict;
}

/** The answer to a failed guild or voice route: Litecord's envelope (the envelope's own keys always win). */
export function litecordPayloadError(c: Context, thrown: unknown) {
  const error = asShimError(thrown);
  if (!error) throw thrown;
  const envelope = (status: 400 | 404, message: string, extra: Record<string, unknown> = {}) =>
    c.json({ ...errorDict(error.fields), ...extra, error: true, status, message }, status);
  switch (error.code) {
    case 'BAD_INPUT':
    case 'CONFLICT':
      return envelope(400, error.message);
    case 'NOT_FOUND':
      // Litecord's GuildNotFound carries Discord's code 10004; voice regions have no such class.
      return /guild/i.test(error.message) ? envelope(404, 'Unknown guild', { code: 10004 }) : envelope(404, 'Unknown voice region');
    default:
      return litecordError(c, error);
  }
}
