import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { AUDIT_DELIVERY } from "@opendsp/atna";
import { describe, expect, it } from "vitest";
import {
  composeFile,
  configKeys,
  dockerfile,
  imageName,
  imageTag,
  K8S_DIR,
  kustomization,
  kustomizedManifests,
  manifestsOf,
  namesRegistryHost,
  readRepoFile,
  REPO_ROOT,
  requiredVariables,
  SERVICE_IMAGES,
  SERVICE_NAMES,
  type K8sManifest,
  type K8sObject,
} from "./support/deploy-files.js";
import { effective, execForm, exposedPorts } from "./support/dockerfile.js";
import { acceptedKeys } from "./support/pending.js";

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly secretKeyRef?: { readonly name: string; readonly key: string };
    readonly configMapKeyRef?: { readonly name: string; readonly key: string };
  };
}
interface Probe {
  readonly httpGet?: { readonly path: string; readonly port: number | string };
}
interface Container {
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number }[];
  readonly env?: readonly EnvVar[];
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly startupProbe?: Probe;
  readonly resources?: { readonly requests?: Record<string, string>; readonly limits?: Record<string, string> };
  readonly securityContext?: { readonly allowPrivilegeEscalation?: boolean; readonly readOnlyRootFilesystem?: boolean; readonly runAsNonRoot?: boolean };
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string }[];
}
interface PodSpec {
  readonly containers: readonly Container[];
  readonly securityContext?: { readonly runAsNonRoot?: boolean; readonly runAsUser?: number };
  readonly volumes?: readonly { readonly name: string }[];
}
interface Workload extends K8sObject {
  readonly spec: { readonly template: { readonly spec: PodSpec; readonly metadata?: { readonly labels?: Record<string, string> } }; readonly selector?: { readonly matchLabels?: Record<string, string> } };
}
interface Service extends K8sObject {
  readonly spec: { readonly selector: Record<string, string>; readonly ports: readonly { readonly name: string; readonly port: number; readonly targetPort: number | string }[] };
}

const manifests = kustomizedManifests();
const file = dockerfile();

function objects(kind: string): K8sObject[] {
  return manifests.filter((m) => m.object.kind === kind).map((m) => m.object);
}

function one<T extends K8sObject>(kind: string, name: string): T {
  const found = objects(kind).filter((o) => o.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0] as T;
}

function container(workload: Workload): Container {
  const [first, ...rest] = workload.spec.template.spec.containers;
  if (!first || rest.length > 0) throw new Error(`${workload.metadata.name}: expected one container`);
  return first;
}

const configMap = one<K8sObject & { data: Record<string, string> }>("ConfigMap", "opendsp-config");
const secret = one<K8sObject & { stringData: Record<string, string> }>("Secret", "opendsp-secrets");

/** What a container's environment resolves to, with references to the ConfigMap and Secret followed. */
function resolvedEnv(c: Container): Record<string, string> {
  return Object.fromEntries(
    (c.env ?? []).map((e) => {
      if (e.value !== undefined) return [e.name, e.value];
      const cm = e.valueFrom?.configMapKeyRef;
      if (cm) return [e.name, cm.name === configMap.metadata.name ? configMap.data[cm.key] : undefined];
      const sk = e.valueFrom?.secretKeyRef;
      if (sk) return [e.name, sk.name === secret.metadata.name ? secret.stringData[sk.key] : undefined];
      return [e.name, undefined];
    }),
  ) as Record<string, string>;
}

describe("deploy/k8s", () => {
  it("every manifest file parses, and the kustomization lists only files that exist", () => {
    const files = readdirSync(join(REPO_ROOT, K8S_DIR)).filter((f) => f.endsWith(".yaml"));
    for (const f of files) expect(() => manifestsOf(`${K8S_DIR}/${f}`), f).not.toThrow();
    for (const r of kustomization().resources) expect(existsSync(join(REPO_ROOT, K8S_DIR, r)), r).toBe(true);
    expect(kustomization().namespace).toBe("opendsp");
  });

  it("holds the Namespace, ConfigMap, Secret, migration Job and a Deployment and Service per service", () => {
    const kinds = manifests.map((m) => `${m.object.kind}/${m.object.metadata.name}`).sort();
    expect(kinds).toEqual(
      [
        "Namespace/opendsp",
        "ConfigMap/opendsp-config",
        "Secret/opendsp-secrets",
        "Job/opendsp-migrate",
        ...SERVICE_NAMES.flatMap((s) => [`Deployment/${s}`, `Service/${s}`]),
      ].sort(),
    );
  });

  it("the Secret is an example: every value is a change-me placeholder", () => {
    for (const [key, value] of Object.entries(secret.stringData)) expect(value, key).toContain("change-me");
    expect(secret["data"]).toBeUndefined();
  });

  it("the Job runs every service's migrations from the migrate image, with the database URLs from the Secret", () => {
    const job = one<Workload>("Job", "opendsp-migrate");
    const c = container(job);
    expect(imageName(c.image)).toBe("opendsp/migrate");
    expect(c.command ?? execForm(effective(file, "migrate", "CMD"))).toEqual(["sh", "deploy/docker/migrate.sh"]);
    const required = requiredVariables(readRepoFile("deploy/docker/migrate.sh"));
    expect((c.env ?? []).map((e) => e.name).sort()).toEqual([...required].sort());
    for (const e of c.env ?? []) expect(e.valueFrom?.secretKeyRef?.name, e.name).toBe("opendsp-secrets");
    expect(Object.keys(secret.stringData)).toEqual(expect.arrayContaining([...required]));
  });

  it.each(SERVICE_NAMES)("the %s Deployment probes /health on its HTTP container port", (name) => {
    const c = container(one<Workload>("Deployment", name));
    const { httpPort, otherPorts } = SERVICE_IMAGES[name];
    expect((c.ports ?? []).map((p) => p.containerPort).sort()).toEqual([httpPort, ...otherPorts].sort());
    expect(exposedPorts(file, name).sort()).toEqual([httpPort, ...otherPorts].sort());
    for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
      expect(probe?.httpGet?.path).toBe("/health");
      expect(probe?.httpGet?.port).toBe(httpPort);
    }
  });

  it.each(SERVICE_NAMES)("the %s Deployment has resource requests and limits and runs as non-root without privileges", (name) => {
    const workload = one<Workload>("Deployment", name);
    const c = container(workload);
    expect(c.resources?.requests?.["cpu"]).toBeDefined();
    expect(c.resources?.requests?.["memory"]).toBeDefined();
    expect(c.resources?.limits?.["memory"]).toBeDefined();
    expect(workload.spec.template.spec.securityContext?.runAsNonRoot).toBe(true);
    expect(workload.spec.template.spec.securityContext?.runAsUser).toBeGreaterThan(0);
    expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
    expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
    // tsx writes its compile cache to the temporary folder.
    expect(c.volumeMounts?.some((m) => m.mountPath === "/tmp")).toBe(true);
    expect(workload.spec.selector?.matchLabels).toEqual(workload.spec.template.metadata?.labels);
  });

  it.each(SERVICE_NAMES)("the %s Deployment sets only variables its configuration reads (or pending ones), from keys that exist", async (name) => {
    const c = container(one<Workload>("Deployment", name));
    for (const [variable, value] of Object.entries(resolvedEnv(c))) expect(value, `${name}: ${variable} resolves`).toBeDefined();
    for (const e of c.env ?? []) {
      if (/PASSWORD|SECRET|ACCESS_KEY|CODE_KEY|TOKEN|DATABASE_URL/.test(e.name)) expect(e.valueFrom?.secretKeyRef, `${name}: ${e.name}`).toBeDefined();
    }
    const keys = acceptedKeys(name, await configKeys(name));
    for (const e of c.env ?? []) expect(keys, `${name}: ${e.name}`).toContain(e.name);
  });

  it("the services with a database leave migrations to the Job", () => {
    for (const name of ["registry", "repository", "consent", "audit"]) {
      expect(resolvedEnv(container(one<Workload>("Deployment", name)))["MIGRATE_ON_START"], name).toBe("false");
    }
  });

  it("each Service selects its Deployment and forwards to a named container port", () => {
    for (const name of SERVICE_NAMES) {
      const service = one<Service>("Service", name);
      const workload = one<Workload>("Deployment", name);
      expect(service.spec.selector).toEqual(workload.spec.template.metadata?.labels);
      const portNames = (container(workload).ports ?? []).map((p) => p.name);
      for (const p of service.spec.ports) expect(portNames).toContain(p.targetPort);
      expect(service.spec.ports.find((p) => p.name === "http")?.port).toBe(SERVICE_IMAGES[name].httpPort);
    }
  });

  it("the services reach each other by their Service names", () => {
    const repo = resolvedEnv(container(one<Workload>("Deployment", "repository")));
    expect(repo["REGISTRY_URL"]).toBe(`http://registry:${SERVICE_IMAGES.registry.httpPort}/xds/registry`);
    const gateway = resolvedEnv(container(one<Workload>("Deployment", "gateway")));
    expect(gateway["REGISTRY_URL"]).toBe(`http://registry:${SERVICE_IMAGES.registry.httpPort}`);
    expect(gateway["REPOSITORY_URL"]).toBe(`http://repository:${SERVICE_IMAGES.repository.httpPort}`);
    expect(gateway["GATEWAY_CONSENT_URL"]).toBe(`http://consent:${SERVICE_IMAGES.consent.httpPort}`);
    const audit = `http://audit:${SERVICE_IMAGES.audit.httpPort}`;
    expect(gateway["GATEWAY_AUDIT_URL"]).toBe(audit);
    expect(repo["AUDIT_URL"]).toBe(audit);
    expect(resolvedEnv(container(one<Workload>("Deployment", "registry")))["AUDIT_URL"]).toBe(audit);
  });

  it("the audit records of every sender go to the audit service's queue: one Redis, one key prefix", () => {
    for (const name of ["registry", "repository", "gateway", "audit"]) {
      expect(resolvedEnv(container(one<Workload>("Deployment", name)))["REDIS_URL"], name).toBe(configMap.data["REDIS_URL"]);
    }
    for (const name of ["registry", "repository", "audit"]) {
      expect(resolvedEnv(container(one<Workload>("Deployment", name)))["AUDIT_QUEUE_PREFIX"], name).toBe(AUDIT_DELIVERY.queuePrefix);
    }
  });

  it("the audit Service forwards the syslog port over TLS (6514, RFC 5425 section 4.1) beside HTTP", () => {
    const service = one<Service>("Service", "audit");
    expect(service.spec.ports.find((p) => p.name === "syslog-tls")?.port).toBe(6514);
  });

  it("uses the images docker-compose.yml builds, at the same tag", () => {
    const compose = composeFile();
    const tags = new Map((kustomization().images ?? []).map((i) => [i.name, i.newTag]));
    const workloads = [...objects("Deployment"), ...objects("Job")] as Workload[];
    expect(workloads.length).toBe(SERVICE_NAMES.length + 1);
    for (const workload of workloads) {
      const image = container(workload).image;
      expect(namesRegistryHost(image)).toBe(false);
      const target = image.replace(/^opendsp\//, "");
      const composed = compose.services[target];
      expect(composed?.build?.target, image).toBe(target);
      expect(imageName(composed?.image ?? "")).toBe(image);
      expect(tags.get(image), image).toBe(imageTag(composed?.image ?? ""));
    }
  });

  it("the example Ingress sends the public host to the gateway's HTTP port", () => {
    const [ingress] = manifestsOf(`${K8S_DIR}/ingress.example.yaml`) as [K8sManifest];
    expect(ingress.object.kind).toBe("Ingress");
    expect(JSON.stringify(ingress.object["spec"])).toContain('"service":{"name":"gateway","port":{"name":"http"}}');
    expect(kustomization().resources).not.toContain("ingress.example.yaml");
  });
});
