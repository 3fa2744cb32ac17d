import { usageError } from "../errors/cli-error.js";

/** The gateway, the platform's public edge, as `pnpm start` runs it. */
export const DEFAULT_PLATFORM_URL = "http://127.0.0.1:8080";

export const ENV = {
  url: "OPENDSP_URL",
  registryUrl: "OPENDSP_REGISTRY_URL",
  repositoryUrl: "OPENDSP_REPOSITORY_URL",
} as const;

/** Where each transaction goes. */
export interface Endpoints {
  /** ITI-18 (and the registry side of the platform). */
  readonly registrySoapUrl: string;
  /** ITI-41, ITI-43. */
  readonly repositorySoapUrl: string;
  /** The JSON patient admin API (served by the registry, or by the gateway in front of it). */
  readonly patientsApiUrl: string;
}

/**
 * The endpoints from the --url option and the environment. Each side's base is, first match wins: --url,
 * OPENDSP_REGISTRY_URL / OPENDSP_REPOSITORY_URL, OPENDSP_URL, http://127.0.0.1:8080. The gateway serves every
 * path under one base; the per-side variables point straight at the registry (8081) and repository (8082)
 * services, which serve the same paths. A base given with its endpoint path (…/xds/registry) is accepted too.
 */
export function resolveEndpoints(urlOption: string | undefined, env: Readonly<Record<string, string | undefined>>): Endpoints {
  const pick = (side: string | undefined): { value: string; from: string } => {
    if (urlOption !== undefined) return { value: urlOption, from: "--url" };
    const sideValue = side === undefined ? undefined : nonEmpty(env[side]);
    if (sideValue !== undefined && side !== undefined) return { value: sideValue, from: side };
    const shared = nonEmpty(env[ENV.url]);
    if (shared !== undefined) return { value: shared, from: ENV.url };
    return { value: DEFAULT_PLATFORM_URL, from: "the default" };
  };
  const registryBase = baseUrl(pick(ENV.registryUrl));
  const repositoryBase = baseUrl(pick(ENV.repositoryUrl));
  return {
    registrySoapUrl: `${registryBase}/xds/registry`,
    repositorySoapUrl: `${repositoryBase}/xds/repository`,
    patientsApiUrl: `${registryBase}/api/patients`,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v === undefined || v === "" ? undefined : v;
}

/** An http(s) URL without trailing slash, query or endpoint path. */
function baseUrl(setting: { value: string; from: string }): string {
  let url: URL;
  try {
    url = new URL(setting.value);
  } catch {
    throw usageError(`${setting.from} is not a URL: ${JSON.stringify(setting.value)} (expected e.g. ${DEFAULT_PLATFORM_URL})`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw usageError(`${setting.from} must be an http:// or https:// URL, got ${JSON.stringify(setting.value)}`);
  }
  if (url.username || url.password) throw usageError(`${setting.from} must not carry credentials`);
  const path = url.pathname.replace(/\/+$/, "").replace(/\/(xds\/(registry|repository)|api\/patients)$/, "");
  return `${url.origin}${path}`;
}
