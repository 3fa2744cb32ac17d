import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { composeFile, configKeys, dockerfile, kustomizedManifests, readRepoFile, REPO_ROOT, SERVICE_NAMES, type ServiceName } from "./support/deploy-files.js";
import { environment, execForm, effective } from "./support/dockerfile.js";
import { PENDING_CONFIG_KEYS, PENDING_ENTRY_POINTS } from "./support/pending.js";

interface Deployment {
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly spec?: { readonly template?: { readonly spec?: { readonly containers?: readonly { readonly env?: readonly { readonly name: string }[] }[] } } };
}

/** Every variable docker-compose.yml, the Kubernetes Deployment and the image give a service. */
function deployedVariables(service: ServiceName): Set<string> {
  const compose = Object.keys(composeFile().services[service]?.environment ?? {});
  const deployment = kustomizedManifests()
    .map((m) => m.object as unknown as Deployment)
    .find((o) => o.kind === "Deployment" && o.metadata.name === service);
  const k8s = (deployment?.spec?.template?.spec?.containers ?? []).flatMap((c) => (c.env ?? []).map((e) => e.name));
  const image = [...environment(dockerfile(), service).keys()];
  return new Set([...compose, ...k8s, ...image]);
}

describe("test/deploy/support/pending.ts", () => {
  it.each(SERVICE_NAMES)("no key pending for the %s is read by its configuration schema yet (delete the entry once it is)", async (service) => {
    const read = await configKeys(service);
    const nowRead = PENDING_CONFIG_KEYS[service].filter((key) => read.has(key));
    expect(nowRead, `read by services/${service}/src/config.ts now: delete from PENDING_CONFIG_KEYS.${service}`).toEqual([]);
  });

  it.each(SERVICE_NAMES)("every key pending for the %s is one the deployment files give it", (service) => {
    const given = deployedVariables(service);
    for (const key of PENDING_CONFIG_KEYS[service]) expect(given, `${service}: ${key}`).toContain(key);
  });

  it.each(PENDING_ENTRY_POINTS)("%s does not exist yet (delete the entry once it does)", (entry) => {
    expect(existsSync(join(REPO_ROOT, entry))).toBe(false);
  });

  it("every pending entry point is one an image or deploy/docker/migrate.sh runs", () => {
    const file = dockerfile();
    const commands = SERVICE_NAMES.map((s) => execForm(effective(file, s, "CMD")).at(-1));
    const script = readRepoFile("deploy/docker/migrate.sh");
    const migrated = [...script.matchAll(/^migrate ([a-z]+) /gm)].map((m) => `services/${m[1] ?? ""}/src/migrate.ts`);
    for (const entry of PENDING_ENTRY_POINTS) expect([...commands, ...migrated], entry).toContain(entry);
  });
});
