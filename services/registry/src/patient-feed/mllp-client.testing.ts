import { connect, type Socket } from "node:net";
import { MllpFrameReader, encodeMllpFrame } from "./mllp-frame.reader.js";

/**
 * A bare MLLP client for the tests, on a real socket: writes raw bytes (frames, garbage, half frames) and collects
 * every frame the server sends back, so tests see exactly what a Patient Identity Source would.
 */
export class MllpTestClient {
  readonly #socket: Socket;
  readonly #reader = new MllpFrameReader(16 * 1024 * 1024);
  readonly #received: string[] = [];
  #waiters: (() => void)[] = [];
  #closed = false;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("data", (chunk: Buffer) => {
      for (const event of this.#reader.push(chunk)) if (event.type === "frame") this.#received.push(event.payload.toString("utf8"));
      this.#wake();
    });
    socket.on("close", () => {
      this.#closed = true;
      this.#wake();
    });
    socket.on("error", () => undefined);
  }

  static async connect(port: number): Promise<MllpTestClient> {
    const socket = connect({ host: "127.0.0.1", port });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new MllpTestClient(socket);
  }

  /** Sends one framed message and waits for the next ACK. */
  async send(message: string): Promise<string> {
    const before = this.#received.length;
    this.write(encodeMllpFrame(Buffer.from(message, "utf8")));
    const acks = await this.waitForAcks(before + 1);
    return acks[before] as string;
  }

  write(bytes: Buffer): void {
    this.#socket.write(bytes);
  }

  /** Half-closes: no more bytes from us, answers still come. */
  end(): void {
    this.#socket.end();
  }

  /** Waits until `count` frames arrived in total, or the connection closed, or the timeout passed. */
  async waitForAcks(count: number, timeoutMs = 10_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.#received.length < count && !this.#closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${count} ACKs (got ${this.#received.length})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return [...this.#received];
  }

  /** Resolves when the server closed the connection. */
  async closed(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.#closed;
  }

  get received(): readonly string[] {
    return this.#received;
  }

  close(): void {
    this.#socket.destroy();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}

/** MSA-1, MSA-2 and ERR of an ACK. */
export function readAck(ack: string): { msh: string[]; ackCode: string; controlId: string; text: string; err: string[] | undefined } {
  const segments = ack.split("\r").map((s) => s.split("|"));
  const msh = segments.find((s) => s[0] === "MSH") ?? [];
  const msa = segments.find((s) => s[0] === "MSA") ?? [];
  return { msh, ackCode: msa[1] ?? "", controlId: msa[2] ?? "", text: msa[3] ?? "", err: segments.find((s) => s[0] === "ERR") };
}
