import { createServer, connect, type Server, type Socket } from "node:net";

export interface CuttableTcpProxy {
  /** 127.0.0.1:<port> forwarding to the target. */
  readonly host: string;
  readonly port: number;
  /** The server is gone as the client sees it: open connections are reset and new ones refused until restore(). */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/**
 * A TCP relay in front of a real server (PostgreSQL, an HTTP service) that a test can cut and restore, to see how a
 * client lives through the server going away without stopping a server other test files share.
 */
export async function startCuttableTcpProxy(target: { readonly host: string; readonly port: number }): Promise<CuttableTcpProxy> {
  const open = new Set<Socket>();
  let cut = false;
  const server: Server = createServer((client) => {
    if (cut) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    open.add(client);
    open.add(upstream);
    const drop = (): void => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the proxy has no port");
  return {
    host: "127.0.0.1",
    port: address.port,
    cut() {
      cut = true;
      for (const socket of open) socket.resetAndDestroy();
      open.clear();
    },
    restore() {
      cut = false;
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
