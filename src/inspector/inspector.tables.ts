// The inspector's two tables (migration 016), added to the database type where they are used, so
// the shared schema file does not change: `inspectorDb(db)` is the same connection, typed wider.
import type { Kysely } from 'kysely';
import type { Bool, Schema } from '../storage/schema.ts';

export interface InspectorInboxRow {
  id: string;
  account_id: string;
  /** The secret part of the inbox URL. */
  token: string;
  /** The webhook whose secret checks signatures, when attached. */
  webhook_id: string | null;
  created_by: string;
  created_at: number;
  expires_at: number;
}

export interface InspectorRequestRow {
  id: string;
  inbox_id: string;
  account_id: string;
  received_at: number;
  source: 'delivery' | 'http' | 'sample';
  method: string;
  /** JSON object of header name → value. */
  headers: string;
  body: string;
  /** The size of the body as received. */
  body_bytes: number;
  body_truncated: Bool;
}

export type InspectorTables = {
  inspector_inboxes: InspectorInboxRow;
  inspector_requests: InspectorRequestRow;
};

export type InspectorDb = Kysely<Schema & InspectorTables>;

export function inspectorDb(db: Kysely<Schema>): InspectorDb {
  return db.withTables<InspectorTables>();
}
