// Todo use cases: each change is written and its activities recorded in the caller's transaction.
import type { Actor, Tx } from '../activities/recorder.ts';
import { newId } from '../shared/ids.ts';
import type { TodoRow } from '../storage/schema.ts';
import { getLeadRow } from './leads.repository.ts';
import { leadItemReader } from './lead-item-reader.ts';
import { leadRef } from './lead-ref.ts';
import { deleteLeadItem, findLeadItem, reserveOnLead } from './lead-items.repository.ts';
import { createdChange, todoChanges, toTodo, type Todo, type TodoState, type TodoType } from './todo-changes.ts';

export interface NewTodo {
  name: string;
  type: TodoType;
  date?: string | null | undefined;
  time?: string | null | undefined;
  done?: boolean | undefined;
}

export type TodoEdit = Partial<NewTodo>;

const reader = leadItemReader('todos', toTodo);
export const listTodos = reader.list;
export const getTodo = reader.get;

export async function createTodo(tx: Tx, actor: Actor, leadId: string, input: NewTodo): Promise<Todo> {
  const lead = await reserveOnLead(tx, actor.accountId, leadId, 1);
  const state: TodoState = { name: input.name, type: input.type, date: input.date ?? null, time: input.time ?? null, done: input.done ?? false };
  const row: TodoRow = {
    id: newId(tx.now),
    account_id: actor.accountId,
    lead_id: leadId,
    ...state,
    done: state.done ? 1 : 0,
    created_at: tx.now.getTime(),
    updated_at: tx.now.getTime(),
  };
  tx.insertWithRecord({ table: 'todos', rows: [row] });
  await tx.record(actor, leadId, [createdChange(state)]);
  return toTodo(row, lead);
}

/** Applies the given fields; unchanged fields record nothing, so a no-op edit records nothing. */
export async function updateTodo(tx: Tx, actor: Actor, leadId: string, todoId: string, edit: TodoEdit): Promise<Todo> {
  const lead = await getLeadRow(tx.db, actor.accountId, leadId);
  const row = await findLeadItem(tx.db, 'todos', actor.accountId, leadId, todoId);
  const before: TodoState = { name: row.name, type: row.type, date: row.date, time: row.time, done: row.done === 1 };
  const after: TodoState = {
    name: edit.name ?? before.name,
    type: edit.type ?? before.type,
    date: edit.date !== undefined ? edit.date : before.date,
    time: edit.time !== undefined ? edit.time : before.time,
    done: edit.done ?? before.done,
  };
  const changed = (Object.keys(after) as Array<keyof TodoState>).some((key) => after[key] !== before[key]);
  if (!changed) return toTodo(row, leadRef(lead));
  const updated: TodoRow = { ...row, ...after, done: after.done ? 1 : 0, updated_at: tx.now.getTime() };
  await tx.db.updateTable('todos').set(updated).where('id', '=', todoId).execute();
  await tx.record(actor, leadId, todoChanges(before, after));
  return toTodo(updated, leadRef(lead));
}

export async function deleteTodo(tx: Tx, actor: Actor, leadId: string, todoId: string): Promise<void> {
  await getLeadRow(tx.db, actor.accountId, leadId);
  const row = await findLeadItem(tx.db, 'todos', actor.accountId, leadId, todoId);
  await deleteLeadItem(tx.db, 'todos', todoId);
  await tx.record(actor, leadId, [{ type: 'todo:deleted', fields: { todo_name: row.name } }]);
}
