import { messageOf } from "@opendsp/platform";
import { printErr, printOut } from "./output.js";
import { describePlatform } from "./platform-summary.js";
import { startPlatform, type RunningPlatform } from "./start-platform.js";

/*
 * `pnpm start`: the whole platform in this process. Prints the endpoints once every part listens, with the time from
 * the process's start; stops cleanly on SIGINT or SIGTERM (a second signal ends it at once).
 */

/** After a stop or a failed start everything is closed and the process ends by itself; this only catches a leak. */
const EXIT_GRACE_MS = 10_000;
/** Signals closer together than this are one. */
const SAME_SIGNAL_MS = 1000;

function exitSoon(code: number): void {
  process.exitCode = code;
  setTimeout(() => {
    printErr(`some resources were still open ${EXIT_GRACE_MS / 1000} s after stopping; exiting`);
    process.exit(code);
  }, EXIT_GRACE_MS).unref();
}

async function main(): Promise<void> {
  let platform: RunningPlatform;
  try {
    platform = await startPlatform(process.env);
  } catch (err) {
    printErr(`OpenDSP did not start: ${messageOf(err)}`);
    exitSoon(1);
    return;
  }
  // performance.now() counts from the start of the process.
  printOut(describePlatform(platform, performance.now()));

  let stoppingSince: number | undefined;
  const stop = (signal: NodeJS.Signals): void => {
    if (stoppingSince !== undefined) {
      // One Ctrl+C can arrive twice (from the terminal and relayed by a parent such as pnpm or tsx): only a signal
      // that comes later is a request to stop at once.
      if (performance.now() - stoppingSince < SAME_SIGNAL_MS) return;
      printErr(`${signal} again: exiting without waiting`);
      process.exit(130);
    }
    stoppingSince = performance.now();
    printOut(`${signal}: stopping OpenDSP`);
    platform.stop().then(
      () => {
        printOut("OpenDSP stopped");
        exitSoon(0);
      },
      (err: unknown) => {
        printErr(`OpenDSP did not stop cleanly: ${messageOf(err)}`);
        exitSoon(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

await main();
