// What one delivery attempt came to, as a value (docs/CONVENTIONS.md §6). The sender produces a SendResult,
// classify-response turns it into an AttemptOutcome, retry-policy decides what happens next.

/** Error Log categories (docs/SPEC.md §4). */
export type ErrorCategory =
  | 'dns'
  | 'connect'
  | 'tls'
  | 'timeout'
  | 'reset'
  | 'http_status'
  | 'redirect'
  | 'blocked_address'
  | 'response_too_large'
  | 'webhook_disabled'
  | 'other';

export interface ResponseRecord {
  status: number;
  headers: Record<string, string>;
  /** At most 64 KiB of the body, decoded as UTF-8. */
  body: string;
  truncated: boolean;
}

export type AttemptOutcome =
  | { kind: 'delivered'; response: ResponseRecord }
  | {
      kind: 'failed';
      category: ErrorCategory;
      message: string;
      response: ResponseRecord | null;
      /** Seconds from a `Retry-After` header on a 429/503. */
      retryAfterS: number | null;
      /** 410 Gone: the endpoint asked to be removed; the webhook is disabled at once. */
      gone: boolean;
      /** Detail for the server log only, never stored or shown (e.g. the resolved address). */
      logDetail?: string;
    }
  /** The worker is stopping: the request was cut off and does not count as an attempt. */
  | { kind: 'interrupted' };
