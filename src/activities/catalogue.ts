// The 33 activity types of docs/SPEC.md §2, as one exhaustive typed table. Field types, descriptions,
// examples, `GET /event-types`, OpenAPI and the recording order all come from here: adding a type
// without its spec fails to compile.

/** The extra fields of each type; optional ones are omitted (not null) when they do not apply. */
export interface ActivityFieldsByType {
  'lead:created': Record<never, never>;
  'lead:moved': { old_stage_name: string; new_stage_name: string };
  'lead:name_changed': { old_lead_name: string };
  'lead:won': Record<never, never>;
  'lead:lost': Record<never, never>;
  'lead:assigned': { lead_assigned_to_name: string };
  'lead:unassigned': { old_lead_assigned_to_name: string };
  'lead:size_changed': { lead_size: number; old_lead_size?: number };
  'lead:restored': Record<never, never>;
  'todo:created': { todo_name: string; todo_type: string; todo_date?: string; todo_time?: string };
  'todo:name_changed': { todo_name: string; old_todo_name: string };
  'todo:type_changed': { todo_name: string; todo_type: string; old_todo_type: string };
  'todo:date_changed': { todo_name: string; todo_date: string; old_todo_date?: string };
  'todo:time_changed': { todo_name: string; todo_time: string; old_todo_time?: string };
  'todo:done_changed': { todo_name: string; todo_done: boolean };
  'todo:deleted': { todo_name: string };
  'note:created': { note_content: string };
  'note:updated': { note_content: string };
  'note:deleted': { note_content: string };
  'attachment:created': { attachment_filename: string; attachment_url: string };
  'attachment:deleted': { attachment_filename: string };
  'record:created': { record_name: string; record_value: string };
  'record:updated': { record_name: string; record_value: string; old_record_value?: string };
  'record:deleted': { record_name: string; record_value: string };
  'contact:added': { contact_name: string };
  'contact:removed': { contact_name: string };
  'product:added': { product_name: string; product_quantity: number; product_price?: number };
  'product:removed': { product_name: string; product_quantity: number };
  'zone:added': { zone_name: string };
  'zone:removed': { zone_name: string };
  'source:added': { source_name: string };
  'source:removed': { source_name: string };
  'email:received': { subject: string };
}

export type ActivityType = keyof ActivityFieldsByType;

/** One change to record: a type and exactly its fields. */
export type ActivityChange = {
  [T in ActivityType]: { type: T; fields: ActivityFieldsByType[T] };
}[ActivityType];

export type FieldKind = 'string' | 'number' | 'boolean';

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  /** "if applicable": omitted when it does not apply. */
  optional: boolean;
}

export interface ActivitySpec<T extends ActivityType> {
  description: string;
  fields: FieldSpec[];
  example: Required<ActivityFieldsByType[T]>;
}

const s = (name: string, optional = false): FieldSpec => ({ name, kind: 'string', optional });
const n = (name: string, optional = false): FieldSpec => ({ name, kind: 'number', optional });
const b = (name: string): FieldSpec => ({ name, kind: 'boolean', optional: false });

/** In the order of docs/SPEC.md §2: one call that changes several things records them in this order. */
export const ACTIVITY_CATALOGUE: { [T in ActivityType]: ActivitySpec<T> } = {
  'lead:created': { description: 'A lead was created', fields: [], example: {} },
  'lead:moved': {
    description: 'A lead was moved from one stage to another',
    fields: [s('old_stage_name'), s('new_stage_name')],
    example: { old_stage_name: 'Lead In', new_stage_name: 'Contact Made' },
  },
  'lead:name_changed': {
    description: "A lead's name was changed",
    fields: [s('old_lead_name')],
    example: { old_lead_name: 'Acme deal' },
  },
  'lead:won': { description: 'A lead was marked as won', fields: [], example: {} },
  'lead:lost': { description: 'A lead was marked as lost', fields: [], example: {} },
  'lead:assigned': {
    description: 'A lead was assigned to a user',
    fields: [s('lead_assigned_to_name')],
    example: { lead_assigned_to_name: 'Ada Lovelace' },
  },
  'lead:unassigned': {
    description: 'A lead was unassigned from a user',
    fields: [s('old_lead_assigned_to_name')],
    example: { old_lead_assigned_to_name: 'Ada Lovelace' },
  },
  'lead:size_changed': {
    description: 'The value of the lead was changed',
    fields: [n('lead_size'), n('old_lead_size', true)],
    example: { lead_size: 5000, old_lead_size: 2500 },
  },
  'lead:restored': { description: 'Lead was restored from archived leads', fields: [], example: {} },
  'todo:created': {
    description: 'A todo was created',
    fields: [s('todo_name'), s('todo_type'), s('todo_date', true), s('todo_time', true)],
    example: { todo_name: 'Call back', todo_type: 'Call', todo_date: '2026-01-15', todo_time: '9:30 AM' },
  },
  'todo:name_changed': {
    description: 'Name of a todo was changed',
    fields: [s('todo_name'), s('old_todo_name')],
    example: { todo_name: 'Call back Monday', old_todo_name: 'Call back' },
  },
  'todo:type_changed': {
    description: 'Type of a todo was changed',
    fields: [s('todo_name'), s('todo_type'), s('old_todo_type')],
    example: { todo_name: 'Call back', todo_type: 'Meetup', old_todo_type: 'Call' },
  },
  'todo:date_changed': {
    description: 'Date of a todo was changed',
    fields: [s('todo_name'), s('todo_date'), s('old_todo_date', true)],
    example: { todo_name: 'Call back', todo_date: '2026-01-16', old_todo_date: '2026-01-15' },
  },
  'todo:time_changed': {
    description: 'Time of a todo was changed',
    fields: [s('todo_name'), s('todo_time'), s('old_todo_time', true)],
    example: { todo_name: 'Call back', todo_time: '2:00 PM', old_todo_time: '9:30 AM' },
  },
  'todo:done_changed': {
    description: 'Status of a todo was changed',
    fields: [s('todo_name'), b('todo_done')],
    example: { todo_name: 'Call back', todo_done: true },
  },
  'todo:deleted': { description: 'A Todo was deleted', fields: [s('todo_name')], example: { todo_name: 'Call back' } },
  'note:created': {
    description: 'A note was added to a lead',
    fields: [s('note_content')],
    example: { note_content: 'Hello world!' },
  },
  'note:updated': {
    description: 'A note was updated',
    fields: [s('note_content')],
    example: { note_content: 'Hello again!' },
  },
  'note:deleted': {
    description: 'A note was deleted',
    fields: [s('note_content')],
    example: { note_content: 'Hello again!' },
  },
  'attachment:created': {
    description: 'A file was added to a lead',
    fields: [s('attachment_filename'), s('attachment_url')],
    example: { attachment_filename: 'proposal.pdf', attachment_url: 'https://example.com/proposal.pdf' },
  },
  'attachment:deleted': {
    description: 'A file was deleted',
    fields: [s('attachment_filename')],
    example: { attachment_filename: 'proposal.pdf' },
  },
  'record:created': {
    description: 'A field was added to a lead',
    fields: [s('record_name'), s('record_value')],
    example: { record_name: 'Budget', record_value: 'Q3' },
  },
  'record:updated': {
    description: 'A field value was updated',
    fields: [s('record_name'), s('record_value'), s('old_record_value', true)],
    example: { record_name: 'Budget', record_value: 'Q4', old_record_value: 'Q3' },
  },
  'record:deleted': {
    description: 'A field was deleted',
    fields: [s('record_name'), s('record_value')],
    example: { record_name: 'Budget', record_value: 'Q4' },
  },
  'contact:added': {
    description: 'A contact was added to a lead',
    fields: [s('contact_name')],
    example: { contact_name: 'Grace Hopper' },
  },
  'contact:removed': {
    description: 'A contact was removed from a lead',
    fields: [s('contact_name')],
    example: { contact_name: 'Grace Hopper' },
  },
  'product:added': {
    description: 'A product was added to a lead',
    fields: [s('product_name'), n('product_quantity'), n('product_price', true)],
    example: { product_name: 'Annual licence', product_quantity: 3, product_price: 499 },
  },
  'product:removed': {
    description: 'A product was removed from a lead',
    fields: [s('product_name'), n('product_quantity')],
    example: { product_name: 'Annual licence', product_quantity: 3 },
  },
  'zone:added': { description: 'A zone was added to a lead', fields: [s('zone_name')], example: { zone_name: 'EMEA' } },
  'zone:removed': {
    description: 'A zone was removed from a lead',
    fields: [s('zone_name')],
    example: { zone_name: 'EMEA' },
  },
  'source:added': {
    description: 'A source was added to a lead',
    fields: [s('source_name')],
    example: { source_name: 'Website' },
  },
  'source:removed': {
    description: 'A source was removed from a lead',
    fields: [s('source_name')],
    example: { source_name: 'Website' },
  },
  'email:received': {
    description: 'A email was added to a lead',
    fields: [s('subject')],
    example: { subject: 'Re: your proposal' },
  },
};

export const ACTIVITY_TYPES = Object.keys(ACTIVITY_CATALOGUE) as ActivityType[];

const ORDER = new Map(ACTIVITY_TYPES.map((type, index) => [type, index]));

export function isActivityType(value: string): value is ActivityType {
  return ORDER.has(value as ActivityType);
}

/** Position in docs/SPEC.md §2's table; several changes of one call are recorded in this order. */
export function catalogueOrder(type: ActivityType): number {
  return ORDER.get(type) ?? Number.MAX_SAFE_INTEGER;
}
