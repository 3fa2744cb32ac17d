import { buildSoapFault, type SoapFaultOptions } from "@opendsp/soap";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface LocalServer {
  /** http://127.0.0.1:<port> */
  readonly baseUrl: string;
  /** Requests received so far. */
  readonly requests: number;
  close(): Promise<void>;
}

async function listen(server: Server, counter: { n: number }): Promise<LocalServer> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    get requests() {
      return counter.n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A peer that answers every SOAP request with the given SOAP 1.2 Fault, as a faulty or refusing gateway would. */
export function startFaultServer(fault: SoapFaultOptions): Promise<LocalServer> {
  const counter = { n: 0 };
  const server = createServer((req, res) => {
    counter.n++;
    req.resume();
    req.on("end", () => {
      res.writeHead(fault.code === "Sender" ? 400 : 500, { "content-type": "application/soap+xml; charset=UTF-8" });
      res.end(buildSoapFault(fault));
    });
  });
  return listen(server, counter);
}

/** A peer that takes requests and never answers: a hung platform. */
export function startSilentServer(): Promise<LocalServer> {
  const counter = { n: 0 };
  const server = createServer((req) => {
    counter.n++;
    req.resume();
  });
  return listen(server, counter);
}

/**
 * A loopback port nothing listens on: one the system just handed out and took back. (Port 1 will not do: fetch
 * refuses it as a "bad port" before connecting.)
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** What a recording peer received: each request's Content-Type and body. */
export interface RecordingServer extends LocalServer {
  readonly received: readonly { readonly contentType: string; readonly body: Buffer }[];
}

/** A peer that keeps every request it gets and answers it with the given SOAP 1.2 Fault. */
export async function startRecordingFaultServer(fault: SoapFaultOptions): Promise<RecordingServer> {
  const counter = { n: 0 };
  const received: { contentType: string; body: Buffer }[] = [];
  const server = createServer((req, res) => {
    counter.n++;
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ contentType: req.headers["content-type"] ?? "", body: Buffer.concat(chunks) });
      res.writeHead(fault.code === "Sender" ? 400 : 500, { "content-type": "application/soap+xml; charset=UTF-8" });
      res.end(buildSoapFault(fault));
    });
  });
  return Object.assign(await listen(server, counter), { received });
}
