// Emails attached to a lead (docs/SPEC.md §7): `{subject, from?, to?, body?}`; no edit or delete.
import { Type } from 'typebox';
import { createEmail, getEmail, listEmails } from '../../crm/emails.service.ts';
import { NullableText, Text } from '../schemas.ts';
import { registerLeadItemRoutes } from './lead-item-routes.ts';
import type { ApiRoutes } from './types.ts';

const EmailBody = Type.Object(
  { subject: Text(1000), from: NullableText(1000), to: NullableText(5000), body: NullableText(500_000) },
  { additionalProperties: false },
);

export const emailRoutes: ApiRoutes = (api, ctx) =>
  registerLeadItemRoutes(api, ctx, {
    path: 'emails',
    list: listEmails,
    get: getEmail,
    create: { body: EmailBody, run: createEmail, atOnce: true },
  });
