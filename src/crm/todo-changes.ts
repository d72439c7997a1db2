// Todos: the public shape and the pure rule that turns an edit into activities (docs/SPEC.md §2).
import type { ActivityChange } from '../activities/catalogue.ts';
import { isoSeconds } from '../shared/clock.ts';
import type { TodoRow } from '../storage/schema.ts';
import type { LeadRef } from './lead-ref.ts';

export type TodoType = TodoRow['type'];

export interface Todo {
  _id: string;
  lead: LeadRef;
  name: string;
  type: TodoType;
  /** "YYYY-MM-DD" or null. */
  date: string | null;
  /** "h:MM AM|PM" or null. */
  time: string | null;
  done: boolean;
  created_at: string;
  updated_at: string;
}

export function toTodo(row: TodoRow, lead: LeadRef): Todo {
  return {
    _id: row.id,
    lead,
    name: row.name,
    type: row.type,
    date: row.date,
    time: row.time,
    done: row.done === 1,
    created_at: isoSeconds(new Date(row.created_at)),
    updated_at: isoSeconds(new Date(row.updated_at)),
  };
}

/** The editable part of a todo. */
export interface TodoState {
  name: string;
  type: TodoType;
  date: string | null;
  time: string | null;
  done: boolean;
}

export function createdChange(todo: TodoState): ActivityChange {
  return {
    type: 'todo:created',
    fields: {
      todo_name: todo.name,
      todo_type: todo.type,
      ...(todo.date !== null ? { todo_date: todo.date } : {}),
      ...(todo.time !== null ? { todo_time: todo.time } : {}),
    },
  };
}

/**
 * One activity per changed field; `todo_name` is always the name after the edit. Clearing a date
 * or time (setting it to null) has no activity type of its own and records nothing, as clearing a
 * lead's size does.
 */
export function todoChanges(before: TodoState, after: TodoState): ActivityChange[] {
  const todo_name = after.name;
  const changes: ActivityChange[] = [];
  if (after.name !== before.name) changes.push({ type: 'todo:name_changed', fields: { todo_name, old_todo_name: before.name } });
  if (after.type !== before.type) {
    changes.push({ type: 'todo:type_changed', fields: { todo_name, todo_type: after.type, old_todo_type: before.type } });
  }
  if (after.date !== before.date && after.date !== null) {
    const old = before.date !== null ? { old_todo_date: before.date } : {};
    changes.push({ type: 'todo:date_changed', fields: { todo_name, todo_date: after.date, ...old } });
  }
  if (after.time !== before.time && after.time !== null) {
    const old = before.time !== null ? { old_todo_time: before.time } : {};
    changes.push({ type: 'todo:time_changed', fields: { todo_name, todo_time: after.time, ...old } });
  }
  if (after.done !== before.done) changes.push({ type: 'todo:done_changed', fields: { todo_name, todo_done: after.done } });
  return changes;
}
