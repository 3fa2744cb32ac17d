import type { Backend, RunningPlatform } from "./start-platform.js";

const DATABASE_NAMES = { pglite: "PGlite (embedded PostgreSQL)", postgres: "PostgreSQL" } as const;
const DOCUMENT_NAMES = { folder: "folder", s3: "S3" } as const;
const JOB_NAMES = { "in-process": "in-process", bullmq: "BullMQ on Redis" } as const;

/** How to get a token for the gateway from the development identity provider (packages/cli, `opendsp token`). */
export const TOKEN_COMMAND = "pnpm opendsp token --subject <id> --role <role> [--patient <id>] [--purpose EMERGENCY]";

/** The start listing: where to send what, where the data lives, which servers are in use, how long the start took. */
export function describePlatform(platform: RunningPlatform, readyMs: number): string {
  const { gateway, registry, repository, consent, audit, backends } = platform;
  const rows = (entries: readonly (readonly [string, string])[]): string[] => {
    const width = Math.max(...entries.map(([label]) => label.length));
    return entries.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
  };
  const backend = <K extends string>(names: Record<K, string>, b: Backend<K>): string => `${names[b.kind]}: ${b.location}`;
  return [
    `OpenDSP is ready (${(readyMs / 1000).toFixed(1)} s)`,
    "",
    "Gateway, the public edge:",
    ...rows([
      ["XDS registry (ITI-18, ITI-42)", gateway.registrySoapUrl],
      ["  its WSDL", `${gateway.registrySoapUrl}?wsdl`],
      ["XDS repository (ITI-41, ITI-43)", gateway.repositorySoapUrl],
      ["  its WSDL", `${gateway.repositorySoapUrl}?wsdl`],
      ["Health", `${gateway.url}/health`],
      ["Metrics (Prometheus)", `${gateway.url}/metrics`],
      ["API documentation", `${gateway.url}/docs`],
      ["Patient admin API", `${gateway.url}/api/patients/{patientId}`],
      ["Consent API", `${gateway.consentApiUrl}/patients/{patientId}`],
      ["Access history", `${gateway.auditApiUrl}/patients/{patientId}/accesses`],
    ]),
    "",
    ...access(platform, rows),
    "Patient identity feed:",
    ...rows([["ITI-8, HL7 v2 over MLLP", registry.mllpPort === undefined ? "off (HL7_MLLP_PORT=-1)" : `${registry.mllpHost}:${registry.mllpPort}`]]),
    "",
    "Services behind the gateway:",
    ...rows([
      ["Registry", `${registry.url}  (health ${registry.url}/health)`],
      ["Repository", `${repository.url}  (health ${repository.url}/health)`],
      ["Consent", `${consent.url}  (health ${consent.url}/health)`],
      ["Audit", `${audit.url}  (health ${audit.url}/health)`],
    ]),
    "",
    "Data and backends:",
    ...rows([
      ["Data folder", platform.dataDir],
      ["Registry database", backend(DATABASE_NAMES, backends.registryDatabase)],
      ["Repository database", backend(DATABASE_NAMES, backends.repositoryDatabase)],
      ["Consent database", backend(DATABASE_NAMES, backends.consentDatabase)],
      ["Audit database", backend(DATABASE_NAMES, backends.auditDatabase)],
      ["Documents", backend(DOCUMENT_NAMES, backends.documents)],
      ["Jobs", backend(JOB_NAMES, backends.jobs)],
    ]),
    "",
    "Ctrl+C stops the platform.",
    "",
  ].join("\n");
}

/** Who the gateway lets in, and with the development identity provider, how to get a token. */
function access(platform: RunningPlatform, rows: (entries: readonly (readonly [string, string])[]) => string[]): string[] {
  if (platform.accessControl === "off") return ["Access control: off (GATEWAY_ACCESS_CONTROL=off): no user authentication, no consent", ""];
  const provider = platform.identityProvider;
  if (provider === undefined) return ["Access control: users of the identity providers in GATEWAY_XUA_IDP_CERT_FILE, the patient's consent", ""];
  return [
    "Access control: XUA assertions of the development identity provider (development only), the patient's consent:",
    ...rows([
      ["Identity provider", provider.dir],
      ["A token", TOKEN_COMMAND],
    ]),
    "",
  ];
}
