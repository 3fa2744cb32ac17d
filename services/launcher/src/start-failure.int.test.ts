import { createLogger } from "@opendsp/platform";
import { spawn } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlatformStartError } from "./platform-start-error.js";
import { startPlatform } from "./start-platform.js";

const REPO_ROOT = join(import.meta.dirname, "..", "..", "..");

/** A port held by someone else for the whole file. */
let squatter: Server;
let busyPort: number;
const dataDirs: string[] = [];

beforeAll(async () => {
  squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen({ host: "127.0.0.1", port: 0 }, resolve));
  busyPort = (squatter.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => squatter.close(resolve));
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
});

async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "opendsp-launcher-failure-"));
  dataDirs.push(dir);
  return dir;
}

const freePorts = { GATEWAY_PORT: "0", REGISTRY_PORT: "0", REPOSITORY_PORT: "0", CONSENT_PORT: "0", AUDIT_PORT: "0", HL7_MLLP_PORT: "0", LOG_LEVEL: "silent" };

/** The log lines of the launcher, to see what it started and stopped. */
function capturedLogger(): { logger: ReturnType<typeof createLogger>; events: () => { service?: string; msg: string }[] } {
  const lines: string[] = [];
  const logger = createLogger({ service: "launcher", level: "info", destination: { write: (line: string) => void lines.push(line) } });
  return { logger, events: () => lines.map((l) => JSON.parse(l) as { service?: string; msg: string }) };
}

describe("a platform that cannot start", () => {
  it("names the part and the port in use, starts nothing, and leaves the data folder free", { timeout: 120_000 }, async () => {
    const dataDir = await freshDataDir();
    const { logger, events } = capturedLogger();
    const failure = await startPlatform({ ...freePorts, OPENDSP_DATA_DIR: dataDir, GATEWAY_PORT: String(busyPort) }, { logger }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PlatformStartError);
    expect(failure).toMatchObject({ service: "gateway", code: "LAUNCHER_PORT_IN_USE" });
    expect((failure as Error).message).toBe(
      `the gateway could not start: port ${busyPort} on 127.0.0.1 is already in use (GATEWAY_PORT); stop what uses it or set GATEWAY_PORT to another port`,
    );
    expect(events().filter((e) => e.msg === "started")).toEqual([]);
    await expect(stat(join(dataDir, "opendsp.lock"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("refuses two parts on one port", async () => {
    const dataDir = await freshDataDir();
    const port = String(busyPort);
    await expect(startPlatform({ ...freePorts, OPENDSP_DATA_DIR: dataDir, REGISTRY_PORT: port, REPOSITORY_PORT: port })).rejects.toThrow(
      `REPOSITORY_PORT and REGISTRY_PORT are both ${port}: each part of the platform needs its own port`,
    );
  });

  it("stops the parts already started when a later one fails, then starts cleanly on the same folder", { timeout: 180_000 }, async () => {
    const dataDir = await freshDataDir();
    const { logger, events } = capturedLogger();
    // Documents on an S3 server nobody runs: the repository fails after the registry has started.
    const unreachableS3 = { S3_ENDPOINT: "http://127.0.0.1:1", S3_ACCESS_KEY: "key", S3_SECRET_KEY: "secret" };
    const failure = await startPlatform({ ...freePorts, ...unreachableS3, OPENDSP_DATA_DIR: dataDir }, { logger }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ service: "repository", code: "LAUNCHER_SERVICE_FAILED", message: expect.stringMatching(/^the repository could not start: /) as string });
    const lifecycle = events()
      .filter((e) => e.msg === "started" || e.msg === "stopped")
      .map((e) => `${e.service ?? ""} ${e.msg}`);
    // Consent and audit start beside the registry and the repository: they too had started, and are stopped.
    expect(lifecycle.sort()).toEqual(["audit started", "audit stopped", "consent started", "consent stopped", "registry started", "registry stopped"]);

    const platform = await startPlatform({ ...freePorts, OPENDSP_DATA_DIR: dataDir });
    expect((await fetch(`${platform.gateway.url}/health`)).status).toBe(200);
    await platform.stop();
  });

  it("pnpm start exits with status 1 and the reason on stderr, leaving nothing open behind", { timeout: 180_000 }, async () => {
    const dataDir = await freshDataDir();
    const result = await runStart({ ...freePorts, OPENDSP_DATA_DIR: dataDir, REPOSITORY_PORT: String(busyPort) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `OpenDSP did not start: the repository could not start: port ${busyPort} on 127.0.0.1 is already in use (REPOSITORY_PORT)`,
    );
    // The process ended by itself: no server, timer or connection was left to keep it alive.
    expect(result.stderr).not.toContain("still open");
  });
});

/** Runs the start command as `pnpm start` does, until it exits on its own. */
function runStart(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "services/launcher/src/main.ts")], {
      cwd: REPO_ROOT,
      env: { PATH: process.env["PATH"] ?? "", ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stderr }));
  });
}
