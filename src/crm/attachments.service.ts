// Attachments on a lead: an uploaded file (stored by attachment-files.ts) or a link to an http(s)
// URL. Files are written before the row and removed after the row's deletion commits, so a row
// never points at a missing file (a failed write leaves at worst an orphan file, removed by the
// caller).
import type { Kysely } from 'kysely';
import type { Actor, Tx } from '../activities/recorder.ts';
import { isoSeconds } from '../shared/clock.ts';
import type { AttachmentRow, Schema } from '../storage/schema.ts';
import { deleteLeadItem, findLeadItem, reserveOnLead } from './lead-items.repository.ts';
import { leadItemReader } from './lead-item-reader.ts';
import type { LeadRef } from './lead-ref.ts';
import { getLeadRow } from './leads.repository.ts';

export interface Attachment {
  _id: string;
  lead: LeadRef;
  filename: string;
  url: string;
  /** Uploaded files only; null for links. */
  content_type: string | null;
  size: number | null;
  created_at: string;
}

/** What the caller knows about a new attachment; `id` is chosen first when a file is uploaded. */
export type NewAttachment = Pick<AttachmentRow, 'id' | 'filename' | 'url' | 'storage_key' | 'content_type' | 'byte_size'>;

const toAttachment = (row: AttachmentRow, lead: LeadRef): Attachment => ({
  _id: row.id,
  lead,
  filename: row.filename,
  url: row.url,
  content_type: row.content_type,
  size: row.byte_size,
  created_at: isoSeconds(new Date(row.created_at)),
});

const reader = leadItemReader('attachments', toAttachment);
export const listAttachments = reader.list;
export const getAttachment = reader.get;

export async function createAttachment(tx: Tx, actor: Actor, leadId: string, input: NewAttachment): Promise<Attachment> {
  const lead = await reserveOnLead(tx, actor.accountId, leadId, 1);
  const row: AttachmentRow = { ...input, account_id: actor.accountId, lead_id: leadId, created_at: tx.now.getTime() };
  tx.insertWithRecord({ table: 'attachments', rows: [row] });
  const change = { type: 'attachment:created', fields: { attachment_filename: row.filename, attachment_url: row.url } } as const;
  await tx.record(actor, leadId, [change]);
  return toAttachment(row, lead);
}

/** Deletes the row; returns the stored file's key for the caller to remove once committed. */
export async function deleteAttachment(tx: Tx, actor: Actor, leadId: string, id: string): Promise<string | null> {
  await getLeadRow(tx.db, actor.accountId, leadId);
  const row = await findLeadItem(tx.db, 'attachments', actor.accountId, leadId, id);
  await deleteLeadItem(tx.db, 'attachments', id);
  await tx.record(actor, leadId, [{ type: 'attachment:deleted', fields: { attachment_filename: row.filename } }]);
  return row.storage_key;
}

/** The stored file behind a download key, looked up by the attachment id inside the key. */
export async function findStoredFile(db: Kysely<Schema>, attachmentId: string, key: string) {
  return db
    .selectFrom('attachments')
    .select(['filename', 'content_type', 'byte_size'])
    .where('id', '=', attachmentId)
    .where('storage_key', '=', key)
    .executeTakeFirst();
}
