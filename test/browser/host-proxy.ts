// A TCP proxy in front of the Parley server, so a test can take the network away from the widget
// the way a train tunnel or a server restart does: every open connection drops, and new ones are
// refused until it comes back. The widget is loaded through the proxy, so its API and sockets
// (which live where the script came from) go through it too.
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** "up": everything passes; "down": nothing does; "no-sockets": pages load, WebSockets do not. */
export type ProxyMode = 'up' | 'down' | 'no-sockets';

export interface ParleyProxy {
  origin: string;
  /** Changes the mode; going away from "up" cuts every open connection at once. */
  set(mode: ProxyMode): void;
  close(): Promise<void>;
}

export async function startProxy(target: string): Promise<ParleyProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  let mode: ProxyMode = 'up';

  const server: Server = createServer((client) => {
    if (mode === 'down') return client.destroy();
    client.once('data', (first) => {
      if (mode === 'no-sockets' && /^upgrade:\s*websocket/im.test(first.toString('latin1'))) return client.destroy();
      const upstream = connect(Number(port), hostname, () => {
        upstream.write(first);
        client.pipe(upstream).pipe(client);
      });
      open.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        open.delete(client);
        open.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    client.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    set(next) {
      mode = next;
      if (next !== 'up') for (const socket of open) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        mode = 'down';
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
