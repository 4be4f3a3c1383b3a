import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { parseBigintId } from '../db/values.js';
import { BadInputError } from '../core/errors.js';

export { parseBigintId };

/**
 * Decodes a Relay global ID of `typename` to its bigint key; anything else (another type, a key that
 * is not 1–19 digits or exceeds 2^63 - 1) is BAD_INPUT at `path`. GraphQL arguments take global IDs
 * through `t.arg.globalID({ for })` instead (the node's `id.parse` gives the key); this is for the REST
 * shims, which read IDs out of GraphQL answers.
 */
export function decodeId(id: string, typename: string, path: string[] = ['id']): bigint {
  try {
    const decoded = decodeGlobalID(id);
    const key = decoded.typename === typename ? parseBigintId(decoded.id) : null;
    if (key !== null) return key;
  } catch {
    // fall through
  }
  throw new BadInputError(`${path.join('.')}: not a ${typename} ID`, [{ path, message: `not a ${typename} ID` }]);
}

export const encodeId = (typename: string, id: bigint | string) => encodeGlobalID(typename, id.toString());

/** The key of a node(id) whose type is `typename`: BAD_INPUT at `id` when it is not a bigint key. */
export function nodeKey(id: string, typename: string): bigint {
  const key = parseBigintId(id);
  if (key === null) throw new BadInputError(`id: not a ${typename} ID`, [{ path: ['id'], message: `not a ${typename} ID` }]);
  return key;
}

/**
 * `id.parse` of a node keyed by a bigint: `t.arg.globalID({ for: Ref })` and node(id) hand resolvers
 * and loaders the key itself. (Inputs are checked with their path first, see global-id-plugin.ts;
 * node(id) is refused here, at `id`.)
 */
export const bigintKey = (typename: string) => (id: string) => nodeKey(id, typename);
