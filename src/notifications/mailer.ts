// The Mailer port (docs/CONVENTIONS.md §3): the smallest surface the delivery engine calls. Every message is also
// kept in `email_outbox` (status `sent`, `stored` when no SMTP is configured, or `failed`), which
// the API and UI list.
import type { Kysely } from 'kysely';
import type { Clock } from '../shared/clock.ts';
import { newId } from '../shared/ids.ts';
import type { EmailOutboxRow, Schema } from '../storage/schema.ts';

export interface MailMessage {
  accountId: string;
  webhookId: string | null;
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** Transport that actually sends (SMTP); undefined means "store only". */
export type MailTransport = (message: MailMessage) => Promise<void>;

export function createMailer(db: Kysely<Schema>, clock: Clock, transport: MailTransport | undefined): Mailer {
  return {
    async send(message) {
      let status: EmailOutboxRow['status'] = 'stored';
      let error: string | null = null;
      if (transport) {
        try {
          await transport(message);
          status = 'sent';
        } catch (failure) {
          status = 'failed';
          error = (failure as Error).message.slice(0, 1000);
        }
      }
      const now = clock.now();
      await db
        .insertInto('email_outbox')
        .values({
          id: newId(now),
          account_id: message.accountId,
          webhook_id: message.webhookId,
          to_address: message.to,
          subject: message.subject,
          text: message.text,
          status,
          error,
          created_at: now.getTime(),
        })
        .execute();
    },
  };
}
