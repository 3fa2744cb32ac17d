import { connect, type Socket } from "node:net";

/**
 * A keep-alive HTTP/1.1 connection for load generators that share the machine with the server they measure. It
 * reads every answer into one buffer allocated once (net.Socket `onread`), so reading a 200 KB answer creates no
 * garbage. A node:http client allocates a Buffer per socket read; on a 2-core machine the full collections this
 * external memory keeps starting in the client (one every ~100 ms while FindDocuments answers are read) ran beside
 * the server and put up to 20 ms on the registry's p99. Answers must carry Content-Length (the SOAP endpoints send
 * whole messages); one request at a time per connection.
 */
export interface LeanHttpConnection {
  /** Posts `body` and resolves when the whole answer is read; `body` of the answer only when it fits `keepBodyBytes`. */
  post(path: string, contentType: string, body: Buffer): Promise<LeanAnswer>;
  close(): void;
}

export interface LeanAnswer {
  readonly status: number;
  /** The answer's body when it fits the connection's body buffer: a view that the next post overwrites. */
  readonly body: Buffer | undefined;
}

const READ_BUFFER_BYTES = 1 << 20;
const HEADER_MAX_BYTES = 16 * 1024;
const HEADER_END = Buffer.from("\r\n\r\n");

export async function openLeanHttpConnection(url: string, keepBodyBytes = 64 * 1024): Promise<LeanHttpConnection> {
  const target = new URL(url);
  const header = Buffer.allocUnsafe(HEADER_MAX_BYTES);
  const kept = Buffer.allocUnsafe(keepBodyBytes);
  let headerLength = 0;
  // -1 while the header is being read, else the body bytes still to come.
  let remaining = -1;
  let status = 0;
  let bodyLength = 0;
  let keptLength = 0;
  let pending: { resolve: (a: LeanAnswer) => void; reject: (e: Error) => void } | undefined;

  const fail = (err: Error): void => {
    const p = pending;
    pending = undefined;
    p?.reject(err);
    socket.destroy();
  };
  const keep = (buf: Buffer, from: number, to: number): void => {
    if (bodyLength > keepBodyBytes) return;
    buf.copy(kept, keptLength, from, to);
    keptLength += to - from;
  };
  const onRead = (n: number, buf: Buffer): void => {
    let bodyStart = 0;
    if (remaining < 0) {
      const copied = Math.min(n, HEADER_MAX_BYTES - headerLength);
      buf.copy(header, headerLength, 0, copied);
      const end = header.subarray(0, headerLength + copied).indexOf(HEADER_END);
      if (end < 0) {
        headerLength += copied;
        if (headerLength >= HEADER_MAX_BYTES) fail(new Error("the answer's header is larger than 16 KiB"));
        return;
      }
      const text = header.toString("latin1", 0, end);
      status = Number(text.slice(9, 12));
      const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(text)?.[1];
      if (length === undefined) return fail(new Error("the answer has no Content-Length"));
      bodyStart = end + HEADER_END.length - headerLength;
      headerLength = 0;
      bodyLength = Number(length);
      remaining = bodyLength;
      keptLength = 0;
    }
    const got = n - bodyStart;
    if (got > remaining) return fail(new Error("the server sent more than the answer's Content-Length"));
    keep(buf, bodyStart, n);
    remaining -= got;
    if (remaining > 0) return;
    remaining = -1;
    const p = pending;
    pending = undefined;
    p?.resolve({ status, body: bodyLength <= keepBodyBytes ? kept.subarray(0, keptLength) : undefined });
  };

  // Every read lands at the start of this buffer (the callback's argument is the same memory).
  const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = connect(
      {
        host: target.hostname,
        port: Number(target.port),
        noDelay: true,
        onread: {
          buffer: readBuffer,
          callback: (n) => {
            onRead(n, readBuffer);
            return true;
          },
        },
      },
      () => {
        s.off("error", reject);
        resolve(s);
      },
    );
    s.once("error", reject);
  });
  socket.on("error", (err) => fail(err));
  socket.on("close", () => fail(new Error("the server closed the connection")));

  return {
    post(path, contentType, body) {
      if (pending) return Promise.reject(new Error("one request at a time per connection"));
      return new Promise<LeanAnswer>((resolve, reject) => {
        pending = { resolve, reject };
        socket.write(`POST ${path} HTTP/1.1\r\nhost: ${target.host}\r\ncontent-type: ${contentType}\r\ncontent-length: ${body.length}\r\n\r\n`);
        socket.write(body);
      });
    },
    close() {
      pending = undefined;
      socket.removeAllListeners("close");
      socket.destroy();
    },
  };
}
