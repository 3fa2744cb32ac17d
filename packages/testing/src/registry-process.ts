import { startServiceProcess, type ServiceProcess } from "./service-process.js";

export interface RegistryProcess extends ServiceProcess {
  /** The registry's HTTP base URL (admin API, health). */
  readonly baseUrl: string;
  /** Adds a patient through the registry's admin API, as the identity feed would. */
  feedPatient(patientId: string): Promise<void>;
}

/** The real registry as its own process on a free port: no MLLP listener, open affinity domain unless `env` says. */
export async function startRegistryProcess(env: Readonly<Record<string, string>>): Promise<RegistryProcess> {
  const service = await startServiceProcess("services/registry/src/main.ts", {
    REGISTRY_PORT: "0",
    HL7_MLLP_PORT: "-1",
    REGISTRY_CODES: "open",
    ...env,
  });
  const baseUrl = new URL(service.soapUrl).origin;
  return {
    ...service,
    baseUrl,
    async feedPatient(patientId: string): Promise<void> {
      const res = await fetch(`${baseUrl}/api/patients/${encodeURIComponent(patientId)}`, { method: "PUT" });
      if (res.status !== 200 && res.status !== 201) throw new Error(`feeding the patient failed: ${res.status} ${await res.text()}`);
    },
  };
}

/**
 * The Node options of the repository's command line, the same in its image (deploy/docker/Dockerfile; test/deploy
 * checks they agree). A small young generation: every document byte the repository streams arrives in a socket
 * read buffer that only a garbage collection frees. With V8's default young generation (up to 64 MiB here) the
 * few JavaScript objects of a retrieve almost never fill it, so the buffers' memory piles up until V8 answers the
 * external memory pressure with full mark-compact collections of the whole heap: about half of the repository's CPU
 * time while it served 1 MiB documents. With 1 MiB semi-spaces, cheap scavenges free the buffers as they go.
 */
export const REPOSITORY_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=1"];

/** The real repository as its own process on a free port (its memory can then be measured apart from the caller's). */
export function startRepositoryProcess(env: Readonly<Record<string, string>>): Promise<ServiceProcess> {
  return startServiceProcess("services/repository/src/main.ts", { REPOSITORY_PORT: "0", ...env }, undefined, REPOSITORY_NODE_FLAGS);
}
