import { describe, expect, it } from "vitest";
import { memoryIo } from "../testing/memory-io.js";
import { userCwd } from "./cli-io.js";
import { Output } from "./output.js";

describe("Output", () => {
  it("puts results on stdout and messages on stderr", () => {
    const m = memoryIo();
    const out = new Output(m.io);
    out.result("a result");
    out.json({ n: 1 });
    out.info("a message");
    out.warning("careful");
    out.error("it failed");
    expect(m.stdout()).toBe('a result\n{\n  "n": 1\n}\n');
    expect(m.stderr()).toBe("a message\nopendsp: warning: careful\nopendsp: it failed\n");
  });

  it("draws a status line only on a terminal, and clears it before printing anything else", () => {
    const pipe = memoryIo();
    new Output(pipe.io).status("50%");
    expect(pipe.stderr()).toBe("");
    const tty = memoryIo({ tty: true });
    const out = new Output(tty.io);
    out.status("50%");
    out.info("done");
    expect(tty.stderr()).toBe("\r\x1b[2K50%\r\x1b[2Kdone\n");
  });
});

describe("userCwd", () => {
  it("is the directory the user typed `pnpm opendsp` in, else the process's", () => {
    expect(userCwd({ npm_lifecycle_event: "opendsp", INIT_CWD: "/home/me/docs" }, "/repo")).toBe("/home/me/docs");
    expect(userCwd({ npm_lifecycle_event: "test", INIT_CWD: "/home/me/docs" }, "/repo")).toBe("/repo");
    expect(userCwd({}, "/here")).toBe("/here");
  });
});
