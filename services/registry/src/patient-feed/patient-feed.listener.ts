import { AppError, messageOf, type Logger } from "@opendsp/platform";
import { createServer, type AddressInfo, type Socket } from "node:net";
import type { RegistryDeps } from "../registry-deps.js";
import { handlePatientFeedMessage, rejectOversizedMessage } from "./iti-8-patient-feed.handler.js";
import { DEFAULT_MAX_FRAME_BYTES, MllpFrameReader, encodeMllpFrame } from "./mllp-frame.reader.js";

export interface PatientFeedListener {
  /** The port listened on (the free port chosen when HL7_MLLP_PORT is 0). */
  readonly port: number;
  /** Stops accepting connections, lets each connection answer the messages it already read, then closes it. */
  close(): Promise<void>;
}

export interface PatientFeedListenerOptions {
  readonly maxFrameBytes?: number;
  /** A connection silent this long is closed (senders reconnect); MLLP connections are otherwise kept open. */
  readonly idleTimeoutMs?: number;
}

/** Frames read ahead of their ACK before the connection stops reading (back-pressure on a pipelining sender). */
const MAX_PENDING_FRAMES = 8;
const DEFAULT_IDLE_TIMEOUT_MS = 15 * 60 * 1000;
/** On close, how long a connection may take to answer what it has read. */
const CLOSE_DRAIN_MS = 5000;

interface Connection {
  readonly socket: Socket;
  /** Resolves when every message read so far has been answered. */
  drained(): Promise<void>;
}

/**
 * The ITI-8 Patient Identity Feed listener: HL7 v2 over MLLP on HL7_MLLP_PORT (IANA "hl7" 2575), bound to
 * REGISTRY_HOST. Hand-written on node:net rather than @medplum/hl7's Hl7Server, which has no frame size cap, binds every
 * interface and cannot answer an unparseable frame. Per connection, messages are handled one at a time and
 * acknowledged in the order received (HL7 original acknowledgment mode). A frame over the cap is answered AR and
 * skipped; bytes outside any frame close the connection (the peer does not speak MLLP, nothing can be answered).
 */
export async function startPatientFeedListener(deps: RegistryDeps, logger: Logger, options: PatientFeedListenerOptions = {}): Promise<PatientFeedListener> {
  if (deps.config.HL7_MLLP_PORT < 0) throw new AppError("REG_MLLP_DISABLED", "HL7_MLLP_PORT is -1: the ITI-8 listener is turned off");
  const log = logger.child({ component: "iti-8-mllp" });
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const connections = new Set<Connection>();

  // allowHalfOpen: a sender that half-closes right after its last message still gets that message's ACK.
  const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    const connection = serveConnection(socket, deps, log, maxFrameBytes, idleTimeoutMs);
    connections.add(connection);
    socket.once("close", () => connections.delete(connection));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: deps.config.REGISTRY_HOST, port: deps.config.HL7_MLLP_PORT }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (err) => log.error({ error: messageOf(err) }, "ITI-8 listener error"));
  const port = (server.address() as AddressInfo).port;
  log.info({ port }, "ITI-8 patient identity feed listening (MLLP)");

  return {
    port,
    async close(): Promise<void> {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(
        [...connections].map(async (c) => {
          await Promise.race([c.drained(), new Promise((resolve) => setTimeout(resolve, CLOSE_DRAIN_MS).unref())]);
          c.socket.destroy();
        }),
      );
      await closed;
    },
  };
}

function serveConnection(socket: Socket, deps: RegistryDeps, log: Logger, maxFrameBytes: number, idleTimeoutMs: number): Connection {
  const peer = { remoteAddress: socket.remoteAddress };
  const reader = new MllpFrameReader(maxFrameBytes);
  let queue: Promise<void> = Promise.resolve();
  let pending = 0;
  let closing = false;

  /** Answers in order; each ACK is written when its message is done, unless the peer went away meanwhile. */
  const enqueue = (work: () => Promise<Buffer>): void => {
    pending += 1;
    if (pending >= MAX_PENDING_FRAMES) socket.pause();
    queue = queue
      .then(async () => {
        const ack = await work();
        if (!socket.destroyed && socket.writable) socket.write(encodeMllpFrame(ack));
      })
      .catch((err: unknown) => log.error({ error: messageOf(err) }, "ITI-8: a message could not be answered"))
      .finally(() => {
        pending -= 1;
        if (pending < MAX_PENDING_FRAMES && !closing) socket.resume();
      });
  };

  /** Stops reading, answers what was read, then closes both directions (destroySoon flushes the ACKs first). */
  const closeAfterAnswers = (): void => {
    closing = true;
    socket.pause();
    void queue.then(() => socket.destroySoon());
  };

  socket.setTimeout(idleTimeoutMs, () => socket.destroy());
  // Resets and timeouts of a peer are its business; without a listener they would crash the process.
  socket.on("error", (err) => log.debug({ error: messageOf(err) }, "ITI-8 connection error"));
  socket.on("end", closeAfterAnswers);
  socket.on("data", (chunk: Buffer) => {
    if (closing) return;
    for (const event of reader.push(chunk)) {
      if (event.type === "frame") {
        enqueue(() => handlePatientFeedMessage(deps, event.payload, peer, log));
      } else if (event.type === "oversize") {
        enqueue(() => Promise.resolve(rejectOversizedMessage(event.head, maxFrameBytes, log)));
      } else {
        log.warn({ remoteAddress: peer.remoteAddress }, "ITI-8: bytes outside an MLLP frame; closing the connection");
        closeAfterAnswers();
        return;
      }
    }
  });
  return { socket, drained: () => queue };
}
