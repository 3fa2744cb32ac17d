import type { ServiceName } from "./deploy-files.js";

/**
 * Variables the deployment files already give a service although its configuration schema does not read them yet:
 * the audit service (its src/config.ts exports AuditConfigSchema once it lands) and the audit delivery of the
 * services that send it records (packages/atna/src/audit-delivery.ts). Until a schema reads a key the service
 * ignores the variable; pending-config-keys.test.ts fails as soon as one does, so that its entry is deleted here and
 * the deployment checks hold the key to the schema from then on.
 */
export const PENDING_CONFIG_KEYS: Readonly<Record<ServiceName, readonly string[]>> = {
  registry: [],
  repository: [],
  consent: [],
  gateway: [],
  audit: [],
};

/**
 * Entry points the images and deploy/docker/migrate.sh run that are not in the sources yet. While one is pending the
 * checks that run or look for it expect it missing; pending-config-keys.test.ts fails once it exists.
 */
export const PENDING_ENTRY_POINTS: readonly string[] = [];

/** The keys a deployment may give a service: those its schema reads and those still pending. */
export function acceptedKeys(service: ServiceName, schemaKeys: ReadonlySet<string>): Set<string> {
  return new Set([...schemaKeys, ...PENDING_CONFIG_KEYS[service]]);
}

export function isPendingEntryPoint(path: string): boolean {
  return PENDING_ENTRY_POINTS.includes(path);
}
