import { sql } from 'drizzle-orm';
import { textArray } from '../../db/arrays.js';
import { hashPassword } from '../../access/passwords.js';
import { queryRows } from '../../db/client.js';
import { BadInputError } from '../../core/errors.js';
import { writeAudit } from '../../db/audit.js';
import type { ActionContext } from '../context.js';

const FIRST = [
  'Abigail',
  'Abraham',
  'Ada',
  'Alan',
  'Barbara',
  'Bea',
  'Carlos',
  'Chen',
  'Dana',
  'Diego',
  'Elif',
  'Emma',
  'Fabian',
  'Fatima',
  'Gabriel',
  'Grace',
  'Hana',
  'Ibrahim',
  'Ines',
  'Jonas',
  'Kai',
  'Layla',
  'Liam',
  'Mateo',
  'Mia',
  'Noah',
  'Nour',
  'Olga',
  'Omar',
  'Priya',
  'Quinn',
  'Rafael',
  'Sara',
  'Sabine',
  'Tariq',
  'Uma',
  'Valentina',
  'Wei',
  'Yara',
  'Zainab',
];
const LAST = [
  'Abbott',
  'Akhtar',
  'Baker',
  'Becker',
  'Costa',
  'Dubois',
  'Fischer',
  'Garcia',
  'Haddad',
  'Ivanova',
  'Jansen',
  'Kowalski',
  'Laban',
  'Morales',
  'Nakamura',
  'Novak',
  'Okafor',
  'Petrov',
  'Rossi',
  'Sabbagh',
  'Schmidt',
  'Silva',
  'Tanaka',
  'Wagner',
  'Yilmaz',
  'Zhang',
];
const COUNTRIES = ['DE', 'US', 'BR', 'FR', 'JP', 'IN', 'NG', 'TR', 'PL', 'GB'];
const ZONES = ['Europe/Berlin', 'America/New_York', 'America/Sao_Paulo', 'Europe/Paris', 'Asia/Tokyo', 'Asia/Kolkata', 'Africa/Lagos'];

/**
 * Demo users for development and the bench: realistic names spread over three years, about 1% moderators
 * and 0.2% admins, all sharing one precomputed password hash. One INSERT ... SELECT does the rows; each
 * user still gets its own chained audit row.
 */
export async function seedUsers(ctx: ActionContext, count: number, password: string): Promise<{ inserted: number }> {
  if (!Number.isInteger(count) || count < 1 || count > 10_000_000) throw new BadInputError('count must be between 1 and 10,000,000');
  const passwordHash = await hashPassword(password);
  return ctx.db.transaction(async (tx) => {
    const [{ base }] = await queryRows<{ base: string }>(tx, sql`select (coalesce(max(id), 0) + 1)::text as base from users`);
    const rows = await queryRows<{ id: string }>(
      tx,
      sql`
      with names as (
        select g, (${textArray(FIRST)})[1 + (g * 7919) % ${FIRST.length}::int] as first, (${textArray(LAST)})[1 + (g * 104729) % ${LAST.length}::int] as last
        from generate_series(1::bigint, ${count}::bigint) g
      )
      insert into users (username, email, password_hash, display_name, first_name, last_name, country_code, timezone, status, custom_data, created_at, updated_at)
      select lower(first) || '.' || lower(last) || '.' || (${base}::bigint + g),
             lower(first) || '.' || lower(last) || '.' || (${base}::bigint + g) || '@example.org',
             ${passwordHash}::text, first || ' ' || last, first, last,
             (${textArray(COUNTRIES)})[1 + g % ${COUNTRIES.length}::int], (${textArray(ZONES)})[1 + g % ${ZONES.length}::int],
             (case when g % 97 = 0 then 'DEACTIVATED' when g % 211 = 0 then 'SUSPENDED' else 'ACTIVE' end)::user_status,
             jsonb_build_object('plan', (array['free', 'free', 'pro', 'team'])[1 + (g * 31) % 4], 'newsletter', g % 5 = 0),
             now() - make_interval(secs => (g * 7793 % 94608000)), now()
      from names
      returning id::text`,
    );
    await tx.execute(sql`
      insert into user_roles (user_id, role_id, granted_by)
      select u.id, r.id, ${ctx.actor.actorId}::bigint
      from users u join roles r on r.name = case when u.id % 500 = 0 then 'admin' else 'moderator' end
      where u.id >= ${base}::bigint and (u.id % 100 = 0)`);
    await writeAudit(
      tx,
      ctx.actor,
      rows.map((r) => ({ action: 'user.create', targetType: 'User', targetId: r.id, diff: { seeded: true } })),
    );
    return { inserted: rows.length };
  });
}
