// The bench side of bench/receiver.ts: starts it, and asks it for counts and arrivals over IPC.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { forkTs, ROOT, stopChild } from './processes.ts';
import type { ReceiverReply, ReceiverRequest, ReceiverStats } from './receiver-protocol.ts';
import { waitFor } from './deadline.ts';

type Arrivals = Array<[string, number, string]>;
type DistributiveOmit<T, K extends keyof any> = T extends unknown ? Omit<T, K> : never;

export class Receiver {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: ReceiverReply) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly ports: number[],
  ) {
    child.on('message', (reply: ReceiverReply) => {
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
  }

  static async start(): Promise<Receiver> {
    const child = forkTs(path.join(ROOT, 'bench/receiver.ts'));
    const ports = await new Promise<number[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the receiver did not start within 20 s')), 20_000);
      child.once('exit', (code) => reject(new Error(`the receiver exited (${String(code)})`)));
      child.on('message', (reply: ReceiverReply) => {
        if (reply.type === 'listening') {
          clearTimeout(timer);
          resolve(reply.ports);
        }
      });
    });
    return new Receiver(child, ports);
  }

  /** The first port's origin. */
  get origin(): string {
    return `http://127.0.0.1:${this.ports[0]}`;
  }

  /** The URL of a path like `/ok/3`: on the receiver's port 3 (modulo the number of ports). */
  urlFor(path: string): string {
    const n = Number(/(\d+)$/.exec(path)?.[1] ?? 0);
    return `http://127.0.0.1:${this.ports[n % this.ports.length]}${path}`;
  }

  /** Zeroes the counters; with `record`, keeps each first arrival by webhook-id. */
  async reset(record = false): Promise<void> {
    await this.ask({ type: 'reset', record });
  }

  async stats(): Promise<ReceiverStats> {
    const reply = await this.ask({ type: 'stats' });
    if (reply.type !== 'stats') throw new Error(`unexpected receiver reply ${reply.type}`);
    return reply.stats;
  }

  async arrivals(): Promise<Arrivals> {
    const reply = await this.ask({ type: 'arrivals' });
    if (reply.type !== 'arrivals') throw new Error(`unexpected receiver reply ${reply.type}`);
    return reply.arrivals;
  }

  /** Polls until `ok` reaches `count`; throws at the deadline. Returns the last stats. */
  async waitForOk(count: number, deadline: number, what: string): Promise<ReceiverStats> {
    let last = await this.stats();
    await waitFor(deadline, `${what}: ${count} deliveries`, async () => {
      last = await this.stats();
      return last.ok >= count;
    }, () => `${last.ok} arrived`);
    return last;
  }

  async stop(): Promise<void> {
    await stopChild(this.child, 1_000);
  }

  private ask(request: DistributiveOmit<ReceiverRequest, 'id'>): Promise<ReceiverReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the receiver did not answer within 10 s')), 10_000);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.child.send({ ...request, id } as ReceiverRequest);
    });
  }
}
