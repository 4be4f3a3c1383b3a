import { BadInputError } from '../../core/errors.js';
import { builder } from '../../graphql/builder.js';
import { decodeId } from '../../graphql/ids.js';
import { USER_STATUSES } from './queries.js';

/** The users filter tree (users(filter:), bulkUpdateUsers) and its decoding from global IDs. */

export const UserStatusEnum = builder.enumType('UserStatus', { values: USER_STATUSES });

const TextFilter = builder.inputType('TextFilter', {
  description: 'Case-insensitive unless named otherwise; contains and startsWith use trigram indexes.',
  fields: (t) => ({
    equals: t.string(),
    contains: t.string(),
    startsWith: t.string(),
    containsCaseSensitive: t.string({ description: 'For legacy shims that promise a case-sensitive substring match' }),
    equalsCaseSensitive: t.string({ description: 'For legacy shims that promise a case-sensitive exact match' }),
  }),
});

const StatusFilter = builder.inputType('UserStatusFilter', {
  fields: (t) => ({ in: t.field({ type: [UserStatusEnum], required: true }) }),
});

const DateRange = builder.inputType('DateTimeRange', {
  fields: (t) => ({
    gt: t.field({ type: 'DateTime' }),
    gte: t.field({ type: 'DateTime' }),
    lt: t.field({ type: 'DateTime' }),
    lte: t.field({ type: 'DateTime' }),
  }),
});

const TagFilter = builder.inputType('TagFilter', {
  fields: (t) => ({ any: t.stringList({ description: 'Has at least one of these tags' }), all: t.stringList({ description: 'Has every one of these tags' }) }),
});

const CustomDataFilter = builder.inputRef<import('./queries.js').CustomDataFilter>('CustomDataFilter').implement({
  description: 'A condition on the value at a path inside customData, e.g. path ["theme", "mode"].',
  fields: (t) => ({
    path: t.stringList({ required: true }),
    equals: t.field({ type: 'JSON', description: 'The value at the path equals this JSON value' }) as never,
    exists: t.boolean({ description: 'true: the path is present; false: absent' }),
  }),
});

type FilterInput = import('./queries.js').UserFilter & { id?: { in?: (string | bigint)[] | null; gt?: string | bigint | null } | null };

/** The filter with its user IDs decoded from global IDs to keys (BAD_INPUT for a foreign ID). */
export function decodeFilter(filter: FilterInput | null | undefined, path: string[] = ['filter']): import('./queries.js').UserFilter | null | undefined {
  if (!filter) return filter;
  const key = (id: string | bigint, at: string[]) => (typeof id === 'bigint' ? id : decodeId(String(id), 'User', at));
  const out: import('./queries.js').UserFilter = { ...filter, id: undefined };
  if (filter.id) {
    if ((filter.id.in?.length ?? 0) > 1000)
      throw new BadInputError('id.in takes at most 1,000 IDs', [{ path: [...path, 'id', 'in'], message: 'at most 1,000' }]);
    out.id = {
      in: filter.id.in?.map((id, i) => key(id, [...path, 'id', 'in', String(i)])),
      gt: filter.id.gt == null ? null : key(filter.id.gt, [...path, 'id', 'gt']),
    };
  }
  if (filter.and) out.and = filter.and.map((f, i) => decodeFilter(f, [...path, 'and', String(i)])!);
  if (filter.or) out.or = filter.or.map((f, i) => decodeFilter(f, [...path, 'or', String(i)])!);
  if (filter.not) out.not = decodeFilter(filter.not, [...path, 'not']);
  return out;
}

const IdFilter = builder.inputType('UserIdFilter', {
  fields: (t) => ({
    in: t.idList({ description: 'One of these users (at most 1,000)' }),
    gt: t.id({ description: 'Created after this user (IDs grow with time)' }),
  }),
});

export const UserFilter = builder.inputRef<import('./queries.js').UserFilter>('UserFilter').implement({
  description: 'A filter tree: every given condition must hold; and/or/not combine sub-filters.',
  fields: (t) => ({
    and: t.field({ type: [UserFilter] }),
    or: t.field({ type: [UserFilter] }),
    not: t.field({ type: UserFilter }),
    username: t.field({ type: TextFilter }),
    email: t.field({ type: TextFilter }),
    displayName: t.field({ type: TextFilter }),
    domain: t.field({ type: TextFilter }),
    local: t.boolean({ description: 'true: local accounts only; false: remote only' }),
    discriminator: t.string(),
    status: t.field({ type: StatusFilter }),
    createdAt: t.field({ type: DateRange }),
    role: t.string({ description: 'Holds this role (by name) now' }),
    tags: t.field({ type: TagFilter }),
    customData: t.field({ type: CustomDataFilter }),
    id: t.field({ type: IdFilter }) as never,
  }),
});
