import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What a service behind the relay received: the request line and header fields. */
export interface RelayedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

export interface RecordingRelay {
  /** Base URL to give the gateway instead of the service's. */
  readonly url: string;
  /** The requests relayed since the last take(), oldest first; the list is emptied. */
  take(): RelayedRequest[];
  close(): Promise<void>;
}

/**
 * A plain HTTP relay in front of a real service: every request and answer streams through unchanged, and the relay
 * notes what the service received, so a test sees the header fields the gateway sets on its way to the service.
 */
export async function startRecordingRelay(target: string): Promise<RecordingRelay> {
  const origin = new URL(target);
  let relayed: RelayedRequest[] = [];
  const server: Server = createServer((req, res) => {
    relayed.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers });
    const upstream = request(
      { host: origin.hostname, port: origin.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    take() {
      const taken = relayed;
      relayed = [];
      return taken;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
