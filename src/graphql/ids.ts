import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { BadInputError } from './errors.js';

/** Decodes a Relay global ID of `typename` to its bigint key; anything else is BAD_INPUT at `path`. */
export function decodeId(id: string, typename: string, path: string[] = ['id']): bigint {
  try {
    const decoded = decodeGlobalID(id);
    if (decoded.typename === typename && /^\d{1,19}$/.test(decoded.id)) return BigInt(decoded.id);
  } catch {
    // fall through
  }
  throw new BadInputError(`${path.join('.')}: not a ${typename} ID`, [{ path, message: `not a ${typename} ID` }]);
}

export const encodeId = (typename: string, id: bigint | string) => encodeGlobalID(typename, id.toString());
