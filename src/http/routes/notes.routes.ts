// Notes on a lead (docs/SPEC.md §7): `{content, user_id?}`; user_id credits the note to another user.
import { Type } from 'typebox';
import { createNote, deleteNote, getNote, listNotes, updateNote } from '../../crm/notes.service.ts';
import { Id, Text } from '../schemas.ts';
import { registerLeadItemRoutes } from './lead-item-routes.ts';
import type { ApiRoutes } from './types.ts';

const NoteCreate = Type.Object(
  { content: Text(20_000), user_id: Type.Optional(Id) },
  { additionalProperties: false, description: 'user_id: the user of the account the note is credited to (default: the caller)' },
);
const NoteBody = Type.Object({ content: Text(20_000) }, { additionalProperties: false });

export const noteRoutes: ApiRoutes = (api, ctx) =>
  registerLeadItemRoutes(api, ctx, {
    path: 'notes',
    list: listNotes,
    get: getNote,
    create: { body: NoteCreate, run: createNote, atOnce: true },
    update: { body: NoteBody, run: updateNote },
    remove: deleteNote,
  });
