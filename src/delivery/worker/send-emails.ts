// Sends the webhook emails a committed transaction decided (never inside one); a failed send is
// logged (the email log, `email_outbox`, keeps what was sent).
import type { Logger } from '../../shared/logger.ts';
import type { Mailer } from '../../notifications/mailer.ts';
import { webhookEmail } from '../../notifications/webhook-emails.ts';
import type { EmailDue } from '../store/error-emails.ts';

export function createEmailSender(mailer: Mailer, publicUrl: string, logger: Logger): (emails: EmailDue[]) => Promise<void> {
  return async (emails) => {
    for (const email of emails) {
      try {
        await mailer.send(webhookEmail(email, publicUrl));
      } catch (error) {
        logger.error({ err: error, webhook: email.webhookId }, 'could not send the webhook email');
      }
    }
  };
}
