// What the BullMQ producer (bench process) and worker (child process) agree on.

/** The local Redis only (network rule: 127.0.0.1). */
export const BULLMQ_CONNECTION = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };

export interface DeliveryJob {
  url: string;
  webhookId: string;
  body: string;
}
