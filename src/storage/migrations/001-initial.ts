// The whole first schema, written once for both dialects (see src/storage/schema.ts for the
// conventions). Every table is scoped by account_id; every index a hot query needs is here.
import { sql, type Kysely } from 'kysely';

type Builder = Kysely<unknown>;

export async function up(db: Builder, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const id = (t: ReturnType<Builder['schema']['createTable']>) =>
    t.addColumn('id', 'text', (c) => c.primaryKey()).addColumn('account_id', 'text', (c) => c.notNull());
  const time = 'bigint' as const;
  const real = dialect === 'postgres' ? ('double precision' as const) : ('real' as const);

  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();

  await id(db.schema.createTable('users'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('photo_url', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();

  await id(db.schema.createTable('api_keys'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('last_used_at', time)
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .execute();

  await id(db.schema.createTable('pipelines'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();

  await id(db.schema.createTable('stages'))
    .addColumn('pipeline_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('stages_pipeline').on('stages').columns(['pipeline_id', 'position']).execute();

  await id(db.schema.createTable('leads'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('size', real)
    .addColumn('pipeline_id', 'text', (c) => c.notNull())
    .addColumn('stage_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('archived', 'integer', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('leads_account').on('leads').columns(['account_id', 'pipeline_id', 'id']).execute();

  await id(db.schema.createTable('todos'))
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('date', 'text')
    .addColumn('time', 'text')
    .addColumn('done', 'integer', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();

  await id(db.schema.createTable('notes'))
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();

  await id(db.schema.createTable('attachments'))
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('storage_key', 'text')
    .addColumn('content_type', 'text')
    .addColumn('byte_size', 'integer')
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();

  await id(db.schema.createTable('fields'))
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();

  await id(db.schema.createTable('emails'))
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('from_address', 'text')
    .addColumn('to_address', 'text')
    .addColumn('body', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  for (const table of ['todos', 'notes', 'attachments', 'fields', 'emails']) {
    await db.schema.createIndex(`${table}_lead`).on(table).columns(['lead_id', 'id']).execute();
  }

  await id(db.schema.createTable('contacts'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('designation', 'text')
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('address', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();

  await id(db.schema.createTable('products'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('price', real)
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();

  for (const table of ['zones', 'sources']) {
    await id(db.schema.createTable(table))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', time, (c) => c.notNull())
      .execute();
  }
  for (const table of ['contacts', 'products', 'zones', 'sources']) {
    await db.schema.createIndex(`${table}_account`).on(table).columns(['account_id', 'id']).execute();
  }

  for (const table of ['lead_contacts', 'lead_zones', 'lead_sources']) {
    await db.schema
      .createTable(table)
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('lead_id', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text', (c) => c.notNull())
      .addColumn('created_at', time, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['lead_id', 'target_id'])
      .execute();
  }
  await db.schema
    .createTable('lead_products')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('quantity', real, (c) => c.notNull())
    .addColumn('price', real)
    .addColumn('created_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('lead_products_pk', ['lead_id', 'product_id'])
    .execute();

  await db.schema
    .createTable('activities')
    .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('activity_json', 'text', (c) => c.notNull())
    .addColumn('lead_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('activities_account').on('activities').columns(['account_id', 'seq']).execute();
  await db.schema.createIndex('activities_lead').on('activities').columns(['lead_id', 'seq']).execute();

  await id(db.schema.createTable('webhooks'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('handshake_key', 'text')
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('disabled_reason', 'text')
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('previous_secret', 'text')
    .addColumn('previous_secret_expires_at', time)
    .addColumn('retry_schedule', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('failing_since', time)
    .addColumn('last_success_at', time)
    .addColumn('last_attempt_at', time)
    .addColumn('last_attempt_status', 'text')
    .addColumn('last_error_email_at', time)
    .addColumn('errors_since_email', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('webhooks_account').on('webhooks').columns(['account_id', 'enabled']).execute();

  await id(db.schema.createTable('deliveries'))
    .addColumn('webhook_id', 'text', (c) => c.notNull())
    .addColumn('activity_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', time, (c) => c.notNull())
    .addColumn('lease_until', time)
    .addColumn('leased_by', 'text')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('is_test', 'integer', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  // The claim query walks pending deliveries in due order; attempts = 0 first (first attempts
  // never wait behind retries).
  await db.schema
    .createIndex('deliveries_due')
    .on('deliveries')
    .columns(['status', 'next_attempt_at'])
    .where(sql.ref('status'), '=', 'pending')
    .execute();
  await db.schema.createIndex('deliveries_webhook').on('deliveries').columns(['webhook_id', 'created_at']).execute();

  await id(db.schema.createTable('delivery_attempts'))
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('webhook_id', 'text', (c) => c.notNull())
    .addColumn('activity_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('attempt_number', 'integer', (c) => c.notNull())
    .addColumn('started_at', time, (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('request_url', 'text', (c) => c.notNull())
    .addColumn('request_headers', 'text', (c) => c.notNull())
    .addColumn('request_body', 'text', (c) => c.notNull())
    .addColumn('succeeded', 'integer', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('response_headers', 'text')
    .addColumn('response_body', 'text')
    .addColumn('response_truncated', 'integer', (c) => c.notNull())
    .addColumn('remote_address', 'text')
    .addColumn('error_category', 'text')
    .addColumn('error_message', 'text')
    .execute();
  await db.schema.createIndex('attempts_delivery').on('delivery_attempts').columns(['delivery_id', 'attempt_number']).execute();
  await db.schema
    .createIndex('attempts_errors')
    .on('delivery_attempts')
    .columns(['account_id', 'succeeded', 'started_at'])
    .execute();

  await id(db.schema.createTable('email_outbox'))
    .addColumn('webhook_id', 'text')
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
}
