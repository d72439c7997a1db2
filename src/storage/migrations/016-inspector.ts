// Inspector inboxes (docs/RECEIVING.md): URLs under leadhook's own origin that record what is sent
// to them, and the requests they recorded (the newest 100 per inbox, bodies cut at 256 KiB); and
// the trace links of queued deliveries (docs/OBSERVABILITY.md).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('inspector_inboxes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('webhook_id', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('inspector_inboxes_account').on('inspector_inboxes').columns(['account_id', 'expires_at']).execute();
  await db.schema.createIndex('inspector_inboxes_expiry').on('inspector_inboxes').columns(['expires_at']).execute();

  await db.schema
    .createTable('inspector_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('inbox_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('headers', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('body_bytes', 'integer', (c) => c.notNull())
    .addColumn('body_truncated', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('inspector_requests_inbox').on('inspector_requests').columns(['inbox_id', 'id']).execute();
  await upTraceLinks(db);
}

/** Trace context of the span that queued each delivery, for span links across the queue (docs/OBSERVABILITY.md). */
export async function upTraceLinks(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('delivery_trace_links')
    .addColumn('delivery_id', 'text', (c) => c.primaryKey())
    .addColumn('traceparent', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('delivery_trace_links_created').on('delivery_trace_links').columns(['created_at']).execute();
}
