import { createServer, type Server } from "node:net";

/** A loopback port held by a listening server: a test that needs a port already taken keeps it until it closes `server`. */
export async function holdPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no free port");
  return { server, port: address.port };
}

/** A TCP port free on the loopback right now, for a server a test or a bench starts on a port it must name first. */
export async function freePort(): Promise<number> {
  const { server, port } = await holdPort();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
