// The bench attributes each delivery to the worker process that sent it from the receiver's count
// per sender port and the ports each process holds (bench/lib/socket-owners.ts).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { once } from 'node:events';
import { test } from 'node:test';
import { deliveriesPerProcess, samplePortOwners } from '../../bench/lib/socket-owners.ts';

/** A child process that opens `connections` sockets to 127.0.0.1:`port` and one to `otherPort`, and keeps them open. */
function connector(port: number, connections: number, otherPort: number) {
  const source = `const net = require('node:net'); for (let i = 0; i < ${connections}; i++) net.connect(${port}, '127.0.0.1'); net.connect(${otherPort}, '127.0.0.1'); setInterval(() => {}, 1000);`;
  return spawn(process.execPath, ['-e', source], { stdio: 'ignore' });
}

test('each connection to the receiver is attributed to the process that holds it', async () => {
  const senderPorts: number[] = [];
  const server = net.createServer((socket) => senderPorts.push(socket.remotePort!));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const receiverPort = (server.address() as net.AddressInfo).port;
  // Another server the children also connect to (as workers do to PostgreSQL): not the receiver, not counted.
  let otherConnections = 0;
  const other = net.createServer(() => (otherConnections += 1));
  other.listen(0, '127.0.0.1');
  await once(other, 'listening');
  const otherPort = (other.address() as net.AddressInfo).port;
  const children = [connector(receiverPort, 2, otherPort), connector(receiverPort, 3, otherPort)];
  try {
    for (let waited = 0; (senderPorts.length < 5 || otherConnections < 2) && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(senderPorts.length, 5);
    assert.equal(otherConnections, 2);
    const owners = samplePortOwners(children.map((c) => c.pid!), [receiverPort]);
    const seen = owners.owners();
    owners.stop();
    assert.deepEqual([...seen.keys()].sort(), [...senderPorts].sort());
    // Two ports belong to the first child, three to the second.
    const counts = [0, 0];
    for (const owner of seen.values()) counts[owner]! += 1;
    assert.deepEqual(counts, [2, 3]);

    // 10 requests on every connection, and 7 on a port nobody holds.
    const okBySenderPort: Record<number, number> = { 1: 7 };
    for (const port of senderPorts) okBySenderPort[port] = 10;
    assert.deepEqual(deliveriesPerProcess(okBySenderPort, seen, 2), { perProcess: [20, 30], unattributed: 7 });
  } finally {
    for (const child of children) child.kill();
    server.close();
    other.close();
  }
});
