/**
 * Aborts a transfer after `idleMs` without progress. A whole-exchange deadline would cut off a large document
 * that is still moving; this only stops a transfer that stalled (no bytes sent or received, no answer).
 */
export interface IdleWatchdog {
  readonly signal: AbortSignal;
  /** Whether the watchdog, rather than something else, aborted the transfer. */
  readonly fired: boolean;
  /** Progress: restarts the idle period. */
  touch(): void;
  stop(): void;
}

export function idleWatchdog(idleMs: number): IdleWatchdog {
  const controller = new AbortController();
  let last = Date.now();
  let fired = false;
  const timer = setInterval(
    () => {
      if (Date.now() - last < idleMs) return;
      fired = true;
      clearInterval(timer);
      controller.abort(new Error(`no progress for ${Math.round(idleMs / 1000)} s`));
    },
    Math.max(10, Math.min(1000, Math.floor(idleMs / 4))),
  );
  timer.unref();
  return {
    signal: controller.signal,
    get fired() {
      return fired;
    },
    touch() {
      last = Date.now();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
