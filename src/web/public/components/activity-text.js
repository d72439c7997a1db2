// One human sentence per activity type (the 33 of docs/SPEC.md §2), for the lead timeline.
import { formatDay } from '../format.js';

const q = (text) => `“${text}”`;
/** Todo dates (`YYYY-MM-DD`) in words: "Today", "3 Dec 2026". */
const d = (day) => formatDay(day);

const SENTENCES = {
  'lead:created': () => 'created the lead',
  'lead:moved': (a) => `moved the lead from ${a.old_stage_name} to ${a.new_stage_name}`,
  'lead:name_changed': (a) => `renamed the lead (was ${q(a.old_lead_name)})`,
  'lead:won': () => 'marked the lead as won',
  'lead:lost': () => 'marked the lead as lost',
  'lead:assigned': (a) => `assigned the lead to ${a.lead_assigned_to_name}`,
  'lead:unassigned': (a) => `unassigned the lead from ${a.old_lead_assigned_to_name}`,
  'lead:size_changed': (a) =>
    a.old_lead_size === undefined ? `set the value to ${a.lead_size}` : `changed the value from ${a.old_lead_size} to ${a.lead_size}`,
  'lead:restored': () => 'restored the lead from the archive',
  'todo:created': (a) =>
    `added the ${a.todo_type} todo ${q(a.todo_name)}${a.todo_date ? ` for ${d(a.todo_date)}` : ''}${a.todo_time ? ` at ${a.todo_time}` : ''}`,
  'todo:name_changed': (a) => `renamed the todo ${q(a.old_todo_name)} to ${q(a.todo_name)}`,
  'todo:type_changed': (a) => `changed the todo ${q(a.todo_name)} from ${a.old_todo_type} to ${a.todo_type}`,
  'todo:date_changed': (a) =>
    `moved the todo ${q(a.todo_name)} to ${d(a.todo_date)}${a.old_todo_date ? ` (was ${d(a.old_todo_date)})` : ''}`,
  'todo:time_changed': (a) =>
    `set the todo ${q(a.todo_name)} to ${a.todo_time}${a.old_todo_time ? ` (was ${a.old_todo_time})` : ''}`,
  'todo:done_changed': (a) => (a.todo_done ? `completed the todo ${q(a.todo_name)}` : `reopened the todo ${q(a.todo_name)}`),
  'todo:deleted': (a) => `deleted the todo ${q(a.todo_name)}`,
  'note:created': (a) => `added a note: ${q(a.note_content)}`,
  'note:updated': (a) => `edited a note: ${q(a.note_content)}`,
  'note:deleted': (a) => `deleted a note: ${q(a.note_content)}`,
  'attachment:created': (a) => `attached ${a.attachment_filename}`,
  'attachment:deleted': (a) => `removed the attachment ${a.attachment_filename}`,
  'record:created': (a) => `set the field ${a.record_name} to ${q(a.record_value)}`,
  'record:updated': (a) =>
    `changed the field ${a.record_name} to ${q(a.record_value)}${a.old_record_value !== undefined ? ` (was ${q(a.old_record_value)})` : ''}`,
  'record:deleted': (a) => `deleted the field ${a.record_name} (${q(a.record_value)})`,
  'contact:added': (a) => `added the contact ${a.contact_name}`,
  'contact:removed': (a) => `removed the contact ${a.contact_name}`,
  'product:added': (a) =>
    `added ${a.product_quantity} × ${a.product_name}${a.product_price !== undefined ? ` at ${a.product_price}` : ''}`,
  'product:removed': (a) => `removed ${a.product_quantity} × ${a.product_name}`,
  'zone:added': (a) => `added the zone ${a.zone_name}`,
  'zone:removed': (a) => `removed the zone ${a.zone_name}`,
  'source:added': (a) => `added the source ${a.source_name}`,
  'source:removed': (a) => `removed the source ${a.source_name}`,
  'email:received': (a) => `attached the email ${q(a.subject)}`,
};

export function activitySentence(activity) {
  const sentence = SENTENCES[activity.type];
  const who = activity.user?.name ?? 'Someone';
  return `${who} ${sentence ? sentence(activity) : `did ${activity.type}`}`;
}
