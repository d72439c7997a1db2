// A minimal client of leadhook's public REST API (docs/SPEC.md §7) over one keep-alive undici Pool.
import { Pool } from 'undici';

export class ApiClient {
  private readonly pool: Pool;

  constructor(
    origin: string,
    private readonly apiKey: string,
    connections = 32,
  ) {
    this.pool = new Pool(origin, { connections, pipelining: 1, headersTimeout: 30_000, bodyTimeout: 30_000 });
  }

  async call<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
    const response = await this.pool.request({
      method,
      path: `/api/v1${path}`,
      headers: {
        authorization: `Bearer ${this.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.body.text();
    if (response.statusCode >= 300) throw new Error(`${method} ${path} answered ${response.statusCode}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }

  async firstPipelineId(): Promise<string> {
    const pipelines = await this.call<Array<{ _id: string }>>('GET', '/pipelines');
    const id = pipelines[0]?._id;
    if (!id) throw new Error('the account has no pipeline');
    return id;
  }

  /** POST /webhooks as the admin (`extra`: more fields, e.g. `ordering`); returns the webhook id. */
  async createWebhook(url: string, extra: Record<string, unknown> = {}): Promise<string> {
    return (await this.call<{ _id: string }>('POST', '/webhooks', { url, events: ['*'], ...extra }))._id;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
