// Why a lead was won or lost (PUT /leads/:id {status, close_reason}); cleared when it reopens.
// Indexes for the leads listing (docs/UI.md): a stage column of the board and the status filter.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('leads').addColumn('close_reason', 'text').execute();
  await db.schema.createIndex('leads_stage_status').on('leads').columns(['account_id', 'stage_id', 'status', 'archived']).execute();
  await db.schema.createIndex('todos_lead_open').on('todos').columns(['lead_id', 'done', 'date']).execute();
}
