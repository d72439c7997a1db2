// Messages between the bench process and bench/receiver.ts over the child-process IPC channel.
// Every request carries an id; the receiver answers with the same id.

export interface ReceiverStats {
  /** Requests answered 200 on /ok/… paths. */
  ok: number;
  /** Requests that arrived on /hang/… paths (never answered). */
  hang: number;
  other: number;
  /** Arrivals whose (path, webhook-id) had been seen already (only counted while recording). */
  duplicates: number;
  bytes: number;
  /** performance.timeOrigin + performance.now() (ms since the epoch, sub-ms) of the first arrival. */
  firstAt: number;
  lastOkAt: number;
  okByPath: Record<string, number>;
  /** Arrival time of the last 200 per path. */
  lastOkAtByPath: Record<string, number>;
  /**
   * Requests answered 200 per sender port (the client end of the connection): with the ports each
   * sending process holds (lib/socket-owners.ts) this tells which process sent them.
   */
  okBySenderPort: Record<number, number>;
}

export type ReceiverRequest =
  | { id: number; type: 'reset'; record: boolean }
  | { id: number; type: 'stats' }
  | { id: number; type: 'arrivals' };

export type ReceiverReply =
  | { id: number; type: 'listening'; ports: number[] }
  | { id: number; type: 'done' }
  | { id: number; type: 'stats'; stats: ReceiverStats }
  /** ["<path> <webhook-id>", arrival time, lead _id] */
  | { id: number; type: 'arrivals'; arrivals: Array<[string, number, string]> };
