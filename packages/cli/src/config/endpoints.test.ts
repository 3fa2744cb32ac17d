import { describe, expect, it } from "vitest";
import { resolveEndpoints } from "./endpoints.js";

describe("resolveEndpoints", () => {
  it("defaults to the gateway on 127.0.0.1:8080, every path under one base", () => {
    expect(resolveEndpoints(undefined, {})).toEqual({
      registrySoapUrl: "http://127.0.0.1:8080/xds/registry",
      repositorySoapUrl: "http://127.0.0.1:8080/xds/repository",
      patientsApiUrl: "http://127.0.0.1:8080/api/patients",
    });
  });

  it("takes OPENDSP_URL, and each side's variable over it", () => {
    const env = { OPENDSP_URL: "https://dsp.example.lu/", OPENDSP_REPOSITORY_URL: "http://127.0.0.1:8082" };
    expect(resolveEndpoints(undefined, env)).toEqual({
      registrySoapUrl: "https://dsp.example.lu/xds/registry",
      repositorySoapUrl: "http://127.0.0.1:8082/xds/repository",
      patientsApiUrl: "https://dsp.example.lu/api/patients",
    });
    expect(resolveEndpoints(undefined, { OPENDSP_REGISTRY_URL: "http://127.0.0.1:8081" }).patientsApiUrl).toBe("http://127.0.0.1:8081/api/patients");
  });

  it("lets --url win over the environment", () => {
    const env = { OPENDSP_URL: "http://a:1", OPENDSP_REGISTRY_URL: "http://b:2", OPENDSP_REPOSITORY_URL: "http://c:3" };
    const e = resolveEndpoints("http://d:4", env);
    expect([e.registrySoapUrl, e.repositorySoapUrl]).toEqual(["http://d:4/xds/registry", "http://d:4/xds/repository"]);
  });

  it("keeps a path prefix and drops an endpoint path given with the base", () => {
    expect(resolveEndpoints("https://host/opendsp/", {}).registrySoapUrl).toBe("https://host/opendsp/xds/registry");
    expect(resolveEndpoints(undefined, { OPENDSP_REGISTRY_URL: "http://127.0.0.1:8081/xds/registry" }).registrySoapUrl).toBe("http://127.0.0.1:8081/xds/registry");
    expect(resolveEndpoints(undefined, { OPENDSP_REPOSITORY_URL: "http://127.0.0.1:8082/xds/repository/" }).repositorySoapUrl).toBe("http://127.0.0.1:8082/xds/repository");
  });

  it("ignores empty variables and refuses what is not an http(s) URL without credentials", () => {
    expect(resolveEndpoints(undefined, { OPENDSP_URL: " " }).registrySoapUrl).toBe("http://127.0.0.1:8080/xds/registry");
    expect(() => resolveEndpoints("localhost:8080", {})).toThrow(/--url must be an http/);
    expect(() => resolveEndpoints("127.0.0.1:8080", {})).toThrow(/--url is not a URL/);
    expect(() => resolveEndpoints("not a url", {})).toThrow(/--url is not a URL/);
    expect(() => resolveEndpoints("http://user:secret@host", {})).toThrow(/must not carry credentials/);
  });
});
