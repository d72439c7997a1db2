// Account control (docs/SECURITY.md): users can be disabled, emails are unique per account (not
// across accounts), API keys can be revoked, and the tables behind invitations and password resets.
// Both token tables store only the sha256 of the token sent by email.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  await db.schema.alterTable('users').addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  if (dialect === 'postgres') {
    await sql`alter table users drop constraint if exists users_email_key`.execute(db);
  } else {
    // SQLite cannot drop a column's UNIQUE: rebuild the table without it.
    await sql`create table users_new (
      id text primary key, account_id text not null, name text not null, email text not null,
      photo_url text, role text not null, password_hash text, created_at bigint not null,
      disabled integer not null default 0)`.execute(db);
    await sql`insert into users_new (id, account_id, name, email, photo_url, role, password_hash, created_at, disabled)
      select id, account_id, name, email, photo_url, role, password_hash, created_at, disabled from users`.execute(db);
    await sql`drop table users`.execute(db);
    await sql`alter table users_new rename to users`.execute(db);
  }
  await db.schema.createIndex('users_account_email').unique().on('users').columns(['account_id', 'email']).execute();
  await db.schema.createIndex('users_email').on('users').column('email').execute();

  await db.schema.alterTable('api_keys').addColumn('revoked_at', 'bigint').execute();
  await db.schema.createIndex('api_keys_account').on('api_keys').columns(['account_id', 'user_id']).execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('invited_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('accepted_at', 'bigint')
    .execute();

  await db.schema
    .createTable('password_resets')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
}
