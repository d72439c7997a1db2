// Todos on a lead (docs/SPEC.md §7): `{name, type, date?, time?, done?}`. PUT takes any subset of the
// fields; each changed field records its own activity.
import { Type } from 'typebox';
import { createTodo, deleteTodo, getTodo, listTodos, updateTodo } from '../../crm/todos.service.ts';
import { Text } from '../schemas.ts';
import { registerLeadItemRoutes } from './lead-item-routes.ts';
import type { ApiRoutes } from './types.ts';

const TodoType = Type.Union([
  Type.Literal('Email'),
  Type.Literal('Call'),
  Type.Literal('Meetup'),
  Type.Literal('Task'),
  Type.Literal('Other'),
]);
// Strict formats: a real calendar date written YYYY-MM-DD (the `date` format rejects 2026-02-30),
// and a 12-hour time "h:MM AM" without a leading zero on the hour (ClinchPad's format).
const TodoDate = Type.Union([
  Type.String({ format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' }),
  Type.Null(),
]);
const TodoTime = Type.Union([Type.String({ pattern: '^(1[0-2]|[1-9]):[0-5]\\d (AM|PM)$', description: 'h:MM AM|PM' }), Type.Null()]);

const fields = {
  name: Text(500),
  type: TodoType,
  date: Type.Optional(TodoDate),
  time: Type.Optional(TodoTime),
  done: Type.Optional(Type.Boolean()),
};
const TodoCreate = Type.Object(fields, { additionalProperties: false });
const TodoUpdate = Type.Object(
  { ...fields, name: Type.Optional(fields.name), type: Type.Optional(fields.type) },
  { additionalProperties: false, minProperties: 1 },
);

export const todoRoutes: ApiRoutes = (api, ctx) =>
  registerLeadItemRoutes(api, ctx, {
    path: 'todos',
    list: listTodos,
    get: getTodo,
    create: { body: TodoCreate, run: createTodo, atOnce: true },
    update: { body: TodoUpdate, run: updateTodo },
    remove: deleteTodo,
  });
