import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { pipeline } from "node:stream";

/**
 * The floor of any HTTP hop on this machine: a pass-through relay with nothing but node:http on both sides (no
 * routing, no parsing, no logging, no metrics), forwarding every request to RELAY_TARGET with keep-alive and
 * piping both bodies. Run as its own process by bench:gateway; what it costs is what a hop costs, before any work
 * of the gateway's own.
 */
const target = new URL(process.env.RELAY_TARGET ?? "");
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const server = createServer((req, res) => {
  const upstream = request(
    { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers, agent },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      pipeline(answer, res, () => undefined);
    },
  );
  upstream.on("error", () => res.destroy());
  pipeline(req, upstream, () => undefined);
});
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  // The line startServiceProcess waits for.
  console.log(JSON.stringify({ msg: "listening", soap: `http://127.0.0.1:${port}/` }));
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
