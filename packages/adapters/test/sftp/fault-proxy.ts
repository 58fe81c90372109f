/**
 * A TCP proxy for fault injection between a client and a real server: it can
 * refuse the first connections, cut a connection after N bytes from the server,
 * or stall (stop forwarding without closing) after N bytes.
 *
 * @example
 * const proxy = await startFaultProxy({ targetPort: sshd.port, cutAfterBytes: 2_000_000 });
 * // connect the client to 127.0.0.1:proxy.port
 * await proxy.stop();
 */
import { createServer, type Socket, connect as tcpConnect } from 'node:net';

export interface FaultProxyOptions {
  targetPort: number;
  targetHost?: string;
  /** Close the first this-many connections at once (before any byte), to test connect retries. */
  dropFirst?: number;
  /** Cut a connection (both sides) once this many bytes went from the server to the client. */
  cutAfterBytes?: number;
  /** Cut a connection once this many bytes went from the client to the server (uploads). */
  cutAfterUploadBytes?: number;
  /** Stop forwarding server bytes (keeping the sockets open) after this many. */
  stallAfterBytes?: number;
}

export interface FaultProxy {
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Connections cut or stalled by a fault. */
  readonly faults: number;
  /** Changes the faults for connections accepted from now on. */
  configure(options: Omit<FaultProxyOptions, 'targetPort' | 'targetHost'>): void;
  stop(): Promise<void>;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  let config = { ...options };
  let connections = 0;
  let faults = 0;
  let dropped = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    connections++;
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    if (dropped < (config.dropFirst ?? 0)) {
      dropped++;
      faults++;
      client.destroy();
      return;
    }
    const { cutAfterBytes, stallAfterBytes } = config;
    const upstream = tcpConnect(options.targetPort, options.targetHost ?? '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    const { cutAfterUploadBytes } = config;
    let uploaded = 0;
    client.on('data', (chunk: Buffer) => {
      uploaded += chunk.length;
      if (cutAfterUploadBytes !== undefined && uploaded >= cutAfterUploadBytes) {
        faults++;
        upstream.destroy();
        client.destroy();
        return;
      }
      if (!upstream.write(chunk)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
    });
    let forwarded = 0;
    let stalled = false;
    upstream.on('data', (chunk: Buffer) => {
      if (stalled) return;
      const limit = cutAfterBytes ?? stallAfterBytes;
      if (limit !== undefined && forwarded + chunk.length >= limit) {
        client.write(chunk.subarray(0, Math.max(0, limit - forwarded)));
        forwarded = limit;
        faults++;
        if (cutAfterBytes !== undefined) {
          upstream.destroy();
          client.destroy();
        } else {
          stalled = true;
        }
        return;
      }
      forwarded += chunk.length;
      if (!client.write(chunk)) {
        upstream.pause();
        client.once('drain', () => upstream.resume());
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    get connections() {
      return connections;
    },
    get faults() {
      return faults;
    },
    configure(next) {
      config = { ...options, ...next };
      dropped = 0;
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
