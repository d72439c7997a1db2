// Notes on a lead (PRODUCT §7): `{content}`.
import { Type } from 'typebox';
import { createNote, deleteNote, getNote, listNotes, updateNote } from '../../crm/notes.service.ts';
import { Text } from '../schemas.ts';
import { registerLeadItemRoutes } from './lead-item-routes.ts';
import type { ApiRoutes } from './types.ts';

const NoteBody = Type.Object({ content: Text(20_000) }, { additionalProperties: false });

export const noteRoutes: ApiRoutes = (api, ctx) =>
  registerLeadItemRoutes(api, ctx, {
    path: 'notes',
    list: listNotes,
    get: getNote,
    create: { body: NoteBody, run: createNote },
    update: { body: NoteBody, run: updateNote },
    remove: deleteNote,
  });
