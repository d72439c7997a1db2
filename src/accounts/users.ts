// The public shape of a user, and lookups scoped to one account.
import type { Kysely } from 'kysely';
import { notFound } from '../shared/errors.ts';
import type { Schema, UserRow } from '../storage/schema.ts';

export interface User {
  _id: string;
  name: string;
  email: string;
  photo_url: string | null;
  role: 'admin' | 'member';
  disabled: boolean;
}

export function toUser(row: Pick<UserRow, 'id' | 'name' | 'email' | 'photo_url' | 'role' | 'disabled'>): User {
  return { _id: row.id, name: row.name, email: row.email, photo_url: row.photo_url, role: row.role, disabled: row.disabled === 1 };
}

export async function getUserRow(db: Kysely<Schema>, accountId: string, userId: string): Promise<UserRow> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!row) throw notFound('User');
  return row;
}
