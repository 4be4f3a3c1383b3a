import { describe, expect, it } from 'vitest';
import { statementSummary } from '../../src/db/tracing.js';

/** SQL span names: the operation and the first table, never anything else of the statement. */
describe('statementSummary', () => {
  it('names the operation and the first table', () => {
    expect(statementSummary('select "id", "username" from "users" where "users"."id" = $1')).toBe('select users');
    expect(statementSummary('insert into "audit_log" ("seq") values ($1)')).toBe('insert audit_log');
    expect(statementSummary('UPDATE sessions SET revoked_at = now() WHERE id = $1')).toBe('update sessions');
    expect(statementSummary('delete from "roles" where "id" = $1')).toBe('delete roles');
    expect(statementSummary('with page as (select id from users) select * from page join roles on true')).toBe('select users');
    expect(statementSummary('begin')).toBe('begin');
    expect(statementSummary('set local statement_timeout = 30000')).toBe('set');
  });

  it('never carries a literal of the statement', () => {
    expect(statementSummary("select * from users where username = 'secret_value'")).toBe('select users');
    expect(statementSummary("select 'secret_value'")).toBe('select');
    expect(statementSummary("'secret_value'; drop table users")).toBe('sql');
    expect(statementSummary("select 'a from secret_table' as x from users")).toBe('select users');
  });
});
