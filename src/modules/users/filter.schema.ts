import { builder } from '../../graphql/builder.js';
import { filterInput, orderByEnum } from '../../graphql/lists.js';
import { USER_STATUSES } from './queries.js';
import { UserRef } from './ref.schema.js';
import { userFilterTable, userList } from './list.js';

/** The users filter tree (users(filter:), bulkUpdateUsers), built from the list's filter table. */

export const UserStatusEnum = builder.enumType('UserStatus', { values: USER_STATUSES });

const TagFilter = builder.inputType('TagFilter', {
  fields: (t) => ({ any: t.stringList({ description: 'Has at least one of these tags' }), all: t.stringList({ description: 'Has every one of these tags' }) }),
});

const CustomDataFilterInput = builder.inputType('CustomDataFilter', {
  description: 'A condition on the value at a path inside customData, e.g. path ["theme", "mode"].',
  fields: (t) => ({
    path: t.stringList({ required: true }),
    equals: t.field({ type: 'JSON', description: 'The value at the path equals this JSON value' }),
    exists: t.boolean({ description: 'true: the path is present; false: absent' }),
  }),
});

const IdFilter = builder.inputType('UserIdFilter', {
  fields: (t) => ({
    in: t.globalIDList({ for: UserRef, description: 'One of these users (at most 1,000)' }),
    gt: t.globalID({ for: UserRef, description: 'Created after this user (IDs grow with time)' }),
  }),
});

export const UserFilter = filterInput('UserFilter', userFilterTable, {
  enums: { UserStatus: UserStatusEnum },
  inputs: { role: 'String', tags: TagFilter, customData: CustomDataFilterInput, id: IdFilter },
});

export const UserOrderEnum = orderByEnum('UserOrderBy', userList);
