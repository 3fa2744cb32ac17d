import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parse, parseAllDocuments } from "yaml";
import { readDockerfile, type Dockerfile } from "./dockerfile.js";

export const REPO_ROOT = join(import.meta.dirname, "..", "..", "..");
export const DOCKERFILE_PATH = "deploy/docker/Dockerfile";
export const K8S_DIR = "deploy/k8s";

/** The services that get an image, the port of their HTTP endpoint (GET /health) and the other ports they listen on. */
export const SERVICE_IMAGES = {
  registry: { httpPort: 8081, otherPorts: [2575], portVariable: "REGISTRY_PORT" },
  repository: { httpPort: 8082, otherPorts: [], portVariable: "REPOSITORY_PORT" },
  consent: { httpPort: 8084, otherPorts: [], portVariable: "CONSENT_PORT" },
  gateway: { httpPort: 8080, otherPorts: [], portVariable: "GATEWAY_PORT" },
  // 6514: syslog over TLS (RFC 5425 section 4.1).
  audit: { httpPort: 8085, otherPorts: [6514], portVariable: "AUDIT_PORT" },
} as const;
export type ServiceName = keyof typeof SERVICE_IMAGES;
export const SERVICE_NAMES = Object.keys(SERVICE_IMAGES) as ServiceName[];

export function readRepoFile(path: string): string {
  return readFileSync(join(REPO_ROOT, path), "utf8");
}

export function dockerfile(): Dockerfile {
  return readDockerfile(join(REPO_ROOT, DOCKERFILE_PATH));
}

export interface ComposeService {
  readonly image?: string;
  readonly build?: { readonly context?: string; readonly dockerfile?: string; readonly target?: string };
  readonly command?: string | readonly string[];
  readonly environment?: Readonly<Record<string, string | number | boolean | null>>;
  readonly ports?: readonly string[];
  readonly depends_on?: Readonly<Record<string, { readonly condition?: string }>>;
  readonly healthcheck?: { readonly test?: readonly string[] | string };
  readonly volumes?: readonly string[];
}

export interface ComposeFile {
  readonly services: Readonly<Record<string, ComposeService>>;
}

/** docker-compose.yml as compose reads it (YAML merge keys resolved), before variable interpolation. */
export function composeFile(): ComposeFile {
  return parse(readRepoFile("docker-compose.yml"), { merge: true }) as ComposeFile;
}

/** A Kubernetes object as far as these tests read it. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> };
  readonly [field: string]: unknown;
}

export interface K8sManifest {
  readonly file: string;
  readonly object: K8sObject;
}

export interface Kustomization {
  readonly namespace?: string;
  readonly resources: readonly string[];
  readonly images?: readonly { readonly name: string; readonly newTag?: string; readonly newName?: string }[];
}

export function kustomization(): Kustomization {
  return parse(readRepoFile(`${K8S_DIR}/kustomization.yaml`)) as Kustomization;
}

/** Every document of a manifest file; a document that does not parse fails the caller. */
export function manifestsOf(file: string): K8sManifest[] {
  return parseAllDocuments(readRepoFile(file)).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join("; ")}`);
    return { file, object: doc.toJS() as K8sObject };
  });
}

/** The objects the kustomization applies. */
export function kustomizedManifests(): K8sManifest[] {
  return kustomization().resources.flatMap((r) => manifestsOf(`${K8S_DIR}/${r}`));
}

/**
 * The environment variable names a service's configuration schema reads (the TypeBox object its src/config.ts
 * exports); none while the service has no src/config.ts yet, so that whatever the deployment gives it then must be
 * listed in support/pending.ts.
 */
export async function configKeys(service: string): Promise<Set<string>> {
  const file = join(REPO_ROOT, "services", service, "src", "config.ts");
  if (!existsSync(file)) return new Set();
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const schemas = Object.entries(module).filter(
    ([name, value]) =>
      name.endsWith("ConfigSchema") && typeof value === "object" && value !== null && typeof (value as { properties?: unknown }).properties === "object",
  );
  const schema = schemas[0]?.[1] as { properties: Record<string, unknown> } | undefined;
  if (!schema) throw new Error(`services/${service}/src/config.ts exports no *ConfigSchema object`);
  return new Set(Object.keys(schema.properties));
}

/** Names a shell script requires with `${NAME:?…}`. */
export function requiredVariables(script: string): Set<string> {
  return new Set([...script.matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((m) => m[1] ?? ""));
}

/** The version pnpm-lock.yaml resolves for a dependency of the workspace root, and for a dependency of that package. */
export function lockedVersions(rootDependency: string): { version: string; dependencies: Record<string, string> } {
  const lock = parse(readRepoFile("pnpm-lock.yaml")) as {
    importers: Record<string, { devDependencies?: Record<string, { version: string }>; dependencies?: Record<string, { version: string }> }>;
    snapshots: Record<string, { dependencies?: Record<string, string> }>;
  };
  const root = lock.importers["."];
  const entry = root?.devDependencies?.[rootDependency] ?? root?.dependencies?.[rootDependency];
  if (!entry) throw new Error(`pnpm-lock.yaml has no root dependency ${rootDependency}`);
  const version = entry.version.replace(/\(.*$/, "");
  const snapshot = lock.snapshots[`${rootDependency}@${version}`];
  return { version, dependencies: Object.fromEntries(Object.entries(snapshot?.dependencies ?? {}).map(([k, v]) => [k, v.replace(/\(.*$/, "")])) };
}

/** An image reference without its tag: `opendsp/registry:${OPENDSP_VERSION:-0.1.0}` -> `opendsp/registry`. */
export function imageName(reference: string): string {
  return reference.replace(/:(\$\{[^}]*\}|[^/:]+)$/, "");
}

/** The tag of an image reference, with a compose default resolved: `x:${V:-0.1.0}` -> `0.1.0`. */
export function imageTag(reference: string): string | undefined {
  const m = /:(\$\{[^}]*\}|[^/:]+)$/.exec(reference);
  if (!m?.[1]) return undefined;
  const dflt = /^\$\{[A-Z0-9_]+:-([^}]+)\}$/.exec(m[1]);
  return dflt?.[1] ?? m[1];
}

/** Whether an image reference names the registry it comes from (`host.domain/…`, `host:port/…`, `localhost/…`). */
export function namesRegistryHost(reference: string): boolean {
  const slash = reference.indexOf("/");
  if (slash < 0) return false;
  const first = reference.slice(0, slash);
  return first.includes(".") || first.includes(":") || first === "localhost";
}
