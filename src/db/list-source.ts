import type { SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { OrderSpec, SortKey } from './cursor.js';
import type { FilterOf, FilterTable } from './filter.js';
import type { Params } from './prepared.js';

/** The shapes of the connection engine (db/connection.ts): what a list is, what a request asks of it, what it answers. */

/** One page of a Relay connection (the relay plugin's connection shape). */
export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export interface ListSource<T extends FilterTable, O extends string> {
  /** Names the statements and is part of nothing the client sees. */
  name: string;
  table: PgTable;
  /** A unique key breaking ties of every order (in the order's direction). */
  id: SortKey;
  orders: Readonly<Record<O, OrderSpec>>;
  defaultOrder: O;
  filter: T;
  /** Page size without first/last (default 20). */
  defaultSize?: number;
  /** The largest first/last this list answers (default MAX_PAGE_SIZE). */
  maxPageSize?: number;
  /**
   * The count kept by triggers (db/counts.ts) of the rows `filter` selects, when the list keeps one
   * for it (undefined: count them); `slow` is the count to fall back on should the kept one be gone.
   * Asked only for lists without a `where` of their own.
   */
  keptCount?: (filter: FilterOf<T> | null | undefined, slow: SQL) => SQL | undefined;
}

export interface ListArgs<T extends FilterTable, O extends string> {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  /** Legacy numbered pages only: rows skipped before the page (forwards, at most MAX_OFFSET). */
  offset?: number | null;
  filter?: FilterOf<T> | null;
  orderBy?: O | null;
}

/** What of a connection beyond its nodes the request selected. */
export interface ListWants {
  totalCount: boolean;
  cursors: boolean;
  /** The strategies of the `count` fields selected (none: not selected). */
  counts?: readonly CountStrategy[];
}

export interface Connection<N> extends Page<N> {
  /** The whole filtered set (never the page); null when it was not asked for. */
  totalCount: number | null;
  /** The counts of the strategies `wants.counts` asked for. */
  counts: Partial<Record<CountStrategy, ListCount>>;
}

export interface PageQuery<R, N> {
  /** The columns of one node; values through `p`, so the statement depends only on the request's shape. */
  select: (p: Params) => Record<string, SQL | SQL.Aliased | AnyPgColumn>;
  /** What `select` depends on (e.g. the selected fields); without it the statement is not kept prepared. */
  selectKey?: string;
  /** A condition every row of this list meets (e.g. one user's sessions), values through `p`. */
  where?: (p: Params) => SQL | undefined;
  /** The node of a row (default: the row itself). */
  nodeOf?: (row: R) => N;
}

// ---- counts (db/list-count.ts computes them) ----

export const COUNT_STRATEGIES = ['EXACT', 'CAPPED', 'ESTIMATE'] as const;
export type CountStrategy = (typeof COUNT_STRATEGIES)[number];

/** CAPPED counts are exact up to this many rows (the legacy offset reaches as far). */
export const COUNT_CAP = 10_000;

export interface ListCount {
  /** The count; with exact=false from CAPPED, "more than value"; from ESTIMATE, the planner's guess. */
  value: number;
  exact: boolean;
}
