// Which process owns which local TCP port, read from /proc (Linux): a process's sockets are the
// `socket:[inode]` links under /proc/<pid>/fd, and /proc/net/tcp{,6} give each inode's local port.
// With the receiver's counts per sender port this attributes every delivery to the worker process
// that sent it, so the bench can show how evenly workers share a backlog. Sampled while they run,
// because a connection closed before the end would otherwise go unattributed.
import fs from 'node:fs';

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes; // exited
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // closed between readdir and readlink
    }
  }
  return inodes;
}

/** The port of a /proc/net/tcp address (`0100007F:1F90`: hex). */
const portOf = (address: string) => parseInt(address.slice(address.lastIndexOf(':') + 1), 16);

/**
 * inode → local port of the TCP sockets in this network namespace connected to one of `remotePorts`
 * (Linux may give one local port to two connections to different destinations).
 */
function localPorts(remotePorts: Set<number>): Map<string, number> {
  const ports = new Map<string, number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
      const fields = line.trim().split(/\s+/);
      const [local, remote, inode] = [fields[1], fields[2], fields[9]];
      if (!local || !remote || !inode || !remotePorts.has(portOf(remote))) continue;
      ports.set(inode, portOf(local));
    }
  }
  return ports;
}

export interface PortOwners {
  /** Port → index (in `pids`) of the process last seen holding it. */
  owners(): Map<number, number>;
  stop(): void;
}

/** Samples which of `pids` holds each connection to the receiver's `receiverPorts`. */
export function samplePortOwners(pids: number[], receiverPorts: number[], everyMs = 250): PortOwners {
  const owners = new Map<number, number>();
  const remotePorts = new Set(receiverPorts);
  const sample = () => {
    const ports = localPorts(remotePorts);
    pids.forEach((pid, index) => {
      for (const inode of socketInodes(pid)) {
        const port = ports.get(inode);
        if (port !== undefined) owners.set(port, index);
      }
    });
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    owners: () => {
      sample();
      return owners;
    },
    stop: () => clearInterval(timer),
  };
}

/** Deliveries per process (in `pids` order), and those whose sender port no process was seen holding. */
export function deliveriesPerProcess(okBySenderPort: Record<number, number>, owners: Map<number, number>, processes: number): { perProcess: number[]; unattributed: number } {
  const perProcess: number[] = Array.from({ length: processes }, () => 0);
  let unattributed = 0;
  for (const [port, count] of Object.entries(okBySenderPort)) {
    const owner = owners.get(Number(port));
    if (owner === undefined) unattributed += count;
    else perProcess[owner]! += count;
  }
  return { perProcess, unattributed };
}
