// Row types of every table, shared by both dialects. Conventions that make SQLite and PostgreSQL
// behave the same: ids are 24-hex text, times are integer milliseconds since the epoch (bigint in
// PostgreSQL, parsed back to number), booleans are 0/1 integers, lists and objects are JSON text.
import type { Generated } from 'kysely';
import type { WebhookRow, WebhookOrdering, DeliveryStatus, DeliveryRow, DeliveryWorkerRow, DeliveryAttemptRow, DeliveryLedgerRow, EmailOutboxRow, WebhookHourStatsRow } from './delivery-rows.ts';
import type { CustomFieldRow, CustomFieldValueRow, OrganizationRow } from './organization-rows.ts';

export type { WebhookRow, WebhookOrdering, DeliveryStatus, DeliveryRow, DeliveryWorkerRow, DeliveryAttemptRow, DeliveryLedgerRow, EmailOutboxRow, WebhookHourStatsRow };
export type { CustomFieldRow, CustomFieldValueRow, OrganizationRow };

export type Bool = 0 | 1;

export interface AccountRow {
  id: string;
  name: string;
  created_at: number;
}

export interface UserRow {
  id: string;
  account_id: string;
  name: string;
  email: string;
  photo_url: string | null;
  role: 'admin' | 'member';
  password_hash: string | null;
  created_at: number;
  /** 1: cannot log in; keys and sessions refused (migration 014). */
  disabled: Bool;
}

export interface ApiKeyRow {
  id: string;
  account_id: string;
  user_id: string;
  /** sha256 hex of the key; the key itself is shown once and never stored. */
  key_hash: string;
  /** First characters of the key, to tell keys apart in listings. */
  prefix: string;
  name: string;
  created_at: number;
  last_used_at: number | null;
  /** Set when revoked; the key is refused from then on (migration 014). */
  revoked_at: number | null;
}

export interface SessionRow {
  /** sha256 hex of the session id held in the cookie. */
  id_hash: string;
  account_id: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export interface InvitationRow {
  id: string;
  account_id: string;
  email: string;
  name: string | null;
  role: 'admin' | 'member';
  /** sha256 hex of the token in the emailed link. */
  token_hash: string;
  invited_by: string;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
}

export interface PasswordResetRow {
  /** sha256 hex of the token in the emailed link. */
  token_hash: string;
  account_id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface PipelineRow {
  id: string;
  account_id: string;
  name: string;
  position: number;
  created_at: number;
}

export interface StageRow {
  id: string;
  account_id: string;
  pipeline_id: string;
  name: string;
  position: number;
}

export interface LeadRow {
  id: string;
  account_id: string;
  name: string;
  size: number | null;
  pipeline_id: string;
  stage_id: string;
  user_id: string | null;
  status: 'open' | 'won' | 'lost';
  archived: Bool;
  /** Why it was won or lost; null while open. */
  close_reason: string | null;
  /** The sequence number of the lead's last activity; 0 before the first (migration 018). */
  activity_seq: number;
  created_at: number;
  updated_at: number;
}

export interface TodoRow {
  id: string;
  account_id: string;
  lead_id: string;
  name: string;
  type: 'Email' | 'Call' | 'Meetup' | 'Task' | 'Other';
  date: string | null;
  time: string | null;
  done: Bool;
  created_at: number;
  updated_at: number;
}

export interface NoteRow {
  id: string;
  account_id: string;
  lead_id: string;
  content: string;
  /** The user the note is credited to; null for notes older than migration 012. */
  user_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface AttachmentRow {
  id: string;
  account_id: string;
  lead_id: string;
  filename: string;
  url: string;
  /** Path under `<dataDir>/attachments` for uploaded files; null for links. */
  storage_key: string | null;
  content_type: string | null;
  byte_size: number | null;
  created_at: number;
}

export interface FieldRow {
  id: string;
  account_id: string;
  lead_id: string;
  name: string;
  value: string;
  created_at: number;
  updated_at: number;
}

export interface EmailRow {
  id: string;
  account_id: string;
  lead_id: string;
  subject: string;
  from_address: string | null;
  to_address: string | null;
  body: string | null;
  created_at: number;
}

export interface ContactRow {
  id: string;
  account_id: string;
  name: string;
  designation: string | null;
  email: string | null;
  phone: string | null;
  address: string | null;
  /** Migration 012. */
  organization_id: string | null;
  created_at: number;
}

export interface ProductRow {
  id: string;
  account_id: string;
  name: string;
  price: number | null;
  created_at: number;
}

/** Zones and sources share one shape. */
export interface NamedRow {
  id: string;
  account_id: string;
  name: string;
  created_at: number;
}

export interface LeadLinkRow {
  account_id: string;
  lead_id: string;
  /** The contact, zone or source id. */
  target_id: string;
  created_at: number;
}

export interface LeadProductRow {
  account_id: string;
  lead_id: string;
  product_id: string;
  quantity: number;
  price: number | null;
  /** Percent off the unit price, 0–100 (migration 012). */
  discount: Generated<number>;
  created_at: number;
}

export interface ActivityRow {
  /** Insertion order, for the ascending `after` cursor. */
  seq: Generated<number>;
  id: string;
  account_id: string;
  lead_id: string;
  type: string;
  user_id: string;
  created_at: number;
  /** JSON of the activity object exactly as webhooks carry it (docs/SPEC.md §3). */
  activity_json: string;
  /** JSON of the lead `{_id, name, stage, pipe}` right after the activity. */
  lead_json: string;
  /** The activity's number within its lead: 1, 2, 3, … in recording order (migration 018). */
  lead_seq: number | null;
}


export interface Schema {
  accounts: AccountRow;
  users: UserRow;
  api_keys: ApiKeyRow;
  sessions: SessionRow;
  invitations: InvitationRow;
  password_resets: PasswordResetRow;
  pipelines: PipelineRow;
  stages: StageRow;
  leads: LeadRow;
  todos: TodoRow;
  notes: NoteRow;
  attachments: AttachmentRow;
  fields: FieldRow;
  emails: EmailRow;
  contacts: ContactRow;
  organizations: OrganizationRow;
  custom_fields: CustomFieldRow;
  custom_field_values: CustomFieldValueRow;
  products: ProductRow;
  zones: NamedRow;
  sources: NamedRow;
  lead_contacts: LeadLinkRow;
  lead_zones: LeadLinkRow;
  lead_sources: LeadLinkRow;
  lead_products: LeadProductRow;
  activities: ActivityRow;
  webhooks: WebhookRow;
  deliveries: DeliveryRow;
  delivery_attempts: DeliveryAttemptRow;
  delivery_ledger: DeliveryLedgerRow;
  webhook_hour_stats: WebhookHourStatsRow;
  delivery_workers: DeliveryWorkerRow;
  email_outbox: EmailOutboxRow;
}
