import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { Dispatcher } from "undici";

/** How a call to a service went, as far as the caller still has to act on it. */
export type RelayOutcome =
  /** The service's answer has started to go to the client (the relay writes the rest, or cuts the connection). */
  | { readonly kind: "answering"; readonly statusCode: number }
  /** The call failed before any answer came back: the client can still be answered (with a Fault). */
  | { readonly kind: "failed"; readonly error: Error };

export interface RelayOptions {
  /** The answer's header fields for the client, from the service's (a flat [name, value, ...] list). */
  readonly fields: (headers: IncomingHttpHeaders) => string[];
  /** The whole request has been handed to the service's connection: the wait for its answer starts. */
  readonly onRequestSent: () => void;
  /** The service's answer broke off after it had started (the client's connection is then cut). */
  readonly onBrokenAnswer: (error: Error) => void;
}

/**
 * An undici dispatch handler that writes the service's answer straight into the client's response as its chunks
 * arrive: status and end-to-end fields first, then each chunk, pausing the service's socket while the client's is
 * full (backpressure), without a stream or a promise per chunk in between. `outcome` settles once the answer starts
 * or the call fails before that; an answer that breaks off later cuts the client's connection (its status is sent
 * already).
 */
export class AnswerRelay implements Dispatcher.DispatchHandler {
  readonly outcome: Promise<RelayOutcome>;
  #settle!: (outcome: RelayOutcome) => void;
  #controller: Dispatcher.DispatchController | undefined;
  #abortReason: Error | undefined;
  #answering = false;
  readonly #res: ServerResponse;
  readonly #options: RelayOptions;

  constructor(res: ServerResponse, options: RelayOptions) {
    this.#res = res;
    this.#options = options;
    this.outcome = new Promise((resolve) => {
      this.#settle = resolve;
    });
  }

  /** Stops the call (the client went away, or the service stayed silent), whenever it is asked. */
  abort(reason: Error): void {
    this.#abortReason ??= reason;
    this.#controller?.abort(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#abortReason !== undefined) controller.abort(this.#abortReason);
  }

  onRequestSent(): void {
    this.#options.onRequestSent();
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.#answering = true;
    this.#res.writeHead(statusCode, this.#options.fields(headers));
    this.#res.on("drain", () => controller.resume());
    this.#settle({ kind: "answering", statusCode });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.#res.write(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    this.#res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (!this.#answering) {
      this.#settle({ kind: "failed", error });
      return;
    }
    // A client that went away has nothing more to receive (and it is what stopped the call).
    if (this.#res.destroyed || this.#res.writableFinished) return;
    // The status has gone out: the client can only see an incomplete answer.
    this.#options.onBrokenAnswer(error);
    this.#res.destroy(error);
  }
}
