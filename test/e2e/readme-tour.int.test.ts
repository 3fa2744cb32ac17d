import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The README's five-minute tour, run exactly as written: `./opendsp start` in one shell, then the commands of the
 * second terminal in another, from the checkout. Only the data folder differs (a temporary one), so the tour finds
 * an empty platform as a newcomer does. The tour uses the default ports, which must be free.
 */

const ROOT = join(import.meta.dirname, "..", "..");
const DEFAULT_PORTS = [8080, 8081, 8082, 8084, 2575];
const TOUR_OUTPUTS = ["/tmp/lettre-de-sortie.pdf", "/tmp/retrieve-answer.mime", "/tmp/patient-token.xml"];

/** The shell blocks between the tour markers of README.md. */
async function tourBlocks(): Promise<string[]> {
  const readme = await readFile(join(ROOT, "README.md"), "utf8");
  const begin = readme.indexOf("<!-- tour:begin");
  const end = readme.indexOf("<!-- tour:end -->");
  if (begin < 0 || end < begin) throw new Error("README.md has no tour markers");
  return [...readme.slice(begin, end).matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** The environment a newcomer's shell has: no CI flag (so the bootstrap reuses the installed workspace). */
function shellEnv(dataDir: string): NodeJS.ProcessEnv {
  const { CI: _ci, INIT_CWD: _initCwd, ...env } = process.env;
  return { ...env, OPENDSP_DATA_DIR: dataDir, LOG_LEVEL: "warn" };
}

async function waitForHealth(url: string, platform: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (platform.exitCode !== null) throw new Error(`./opendsp start exited with ${platform.exitCode}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

function run(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-euo", "pipefail", "-c", script], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the README's five-minute tour", () => {
  let dataDir = "";
  let platform: ChildProcess | undefined;
  let platformLog = "";

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "opendsp-tour-"));
  });

  afterAll(async () => {
    if (platform?.pid !== undefined && platform.exitCode === null) {
      const exited = new Promise((resolve) => platform?.once("exit", resolve));
      process.kill(-platform.pid, "SIGINT");
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
    for (const file of TOUR_OUTPUTS) await rm(file, { force: true });
  });

  it("runs as written: the platform starts, then every command of the second terminal succeeds", { timeout: 300_000 }, async () => {
    const [start, ...rest] = await tourBlocks();
    expect(start?.trim()).toBe("./opendsp start");
    expect(rest.length).toBeGreaterThanOrEqual(2);
    const busy = [];
    for (const port of DEFAULT_PORTS) if (!(await portIsFree(port))) busy.push(port);
    expect(busy, "the tour needs its default ports free (is a platform already running?)").toEqual([]);

    const env = shellEnv(dataDir);
    platform = spawn("bash", ["-c", start ?? ""], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    platform.stdout?.on("data", (c: Buffer) => (platformLog = (platformLog + c.toString()).slice(-8000)));
    platform.stderr?.on("data", (c: Buffer) => (platformLog = (platformLog + c.toString()).slice(-8000)));
    await waitForHealth("http://127.0.0.1:8080/health", platform, 120_000);
    expect(platformLog).toContain("http://127.0.0.1:8080/xds/registry");

    const result = await run(rest.join("\n"), env);
    expect(result.stderr.split("\n").filter((l) => /error|refused|failed/i.test(l)), result.stderr).toEqual([]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split("\n").map((l) => l.trim());
    expect(lines).toContain("same bytes");
    // The curl PUT of the patient the command-line tool added already: known, so 200 (not 201).
    expect(lines).toContain("200");
    expect(lines).toContain("ResponseStatusType:Success");
    // FindDocuments finds the letter published with the command-line tool and the result published with curl.
    expect(lines).toContain("2");
    expect(result.stdout).toMatch(/Hemoglobine 13\.9 g\/dL/);
    expect(await readFile("/tmp/lettre-de-sortie.pdf")).toEqual(await readFile(join(ROOT, "test/fixtures/documents/nist-12029-my_document.pdf")));
  });
});
