import { Agent, request, type IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/**
 * The benchmarks' HTTP client: node:http with keep-alive connections and Node streams end to end. A benchmark
 * measures the server, so its client must cost as little as a lean integration client does; WHATWG fetch would
 * add web-stream conversions on every chunk and charge them to the figures.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

export interface PostedResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: IncomingMessage;
}

export async function post(url: string, contentType: string, body: string | Buffer | Readable): Promise<PostedResponse> {
  return new Promise<PostedResponse>((resolve, reject) => {
    const req = request(url, { method: "POST", agent, headers: { "content-type": contentType } }, (res) => {
      resolve({ status: res.statusCode ?? 0, contentType: res.headers["content-type"] ?? "", body: res });
    });
    req.on("error", reject);
    if (body instanceof Readable) pipeline(body, req).catch(reject);
    else req.end(body);
  });
}

/** Posts and reads the whole answer as text. */
export async function postForText(url: string, contentType: string, body: string | Buffer | Readable): Promise<{ status: number; text: string }> {
  const res = await post(url, contentType, body);
  const chunks: Buffer[] = [];
  for await (const chunk of res.body) chunks.push(chunk as Buffer);
  return { status: res.status, text: Buffer.concat(chunks).toString("utf8") };
}

/** Closes the kept-alive connections so the process can exit. */
export function closeConnections(): void {
  agent.destroy();
}
