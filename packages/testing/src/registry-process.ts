import { spawn } from "node:child_process";
import { join } from "node:path";

const REPO_ROOT = join(import.meta.dirname, "..", "..", "..");

export interface RegistryProcess {
  /** The registry's SOAP endpoint (ITI-42, ITI-18). */
  readonly soapUrl: string;
  /** The registry's HTTP base URL (admin API, health). */
  readonly baseUrl: string;
  /** Adds a patient through the registry's admin API, as the identity feed would. */
  feedPatient(patientId: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the real registry service as its own process (services talk over HTTP, never by import), on a free port,
 * with `env` on top of: no MLLP listener, open affinity domain, info logs. Resolves once it listens.
 */
export async function startRegistryProcess(env: Readonly<Record<string, string>>): Promise<RegistryProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "services/registry/src/main.ts")], {
    cwd: REPO_ROOT,
    env: { ...process.env, REGISTRY_PORT: "0", HL7_MLLP_PORT: "-1", REGISTRY_CODES: "open", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const soapUrl = await new Promise<string>((resolve, reject) => {
    let out = "";
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = /"soap":"([^"]+)"/.exec(out);
      if (m?.[1]) {
        child.stdout.off("data", onData);
        child.stdout.resume();
        resolve(m[1]);
      }
    };
    child.stdout.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the registry exited with ${String(code)} before listening: ${stderr.slice(-2000)}`)));
  });
  const baseUrl = new URL(soapUrl).origin;
  return {
    soapUrl,
    baseUrl,
    async feedPatient(patientId: string): Promise<void> {
      const res = await fetch(`${baseUrl}/api/patients/${encodeURIComponent(patientId)}`, { method: "PUT" });
      if (res.status !== 200 && res.status !== 201) throw new Error(`feeding the patient failed: ${res.status} ${await res.text()}`);
    },
    async stop(): Promise<void> {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
