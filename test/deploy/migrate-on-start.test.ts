import { describe, expect, it } from "vitest";
import { loadRegistryConfig } from "../../services/registry/src/config.js";
import { loadRepositoryConfig } from "../../services/repository/src/config.js";
import { loadConsentConfig } from "../../services/consent/src/config.js";

describe.each([
  ["registry", loadRegistryConfig],
  ["repository", loadRepositoryConfig],
  ["consent", loadConsentConfig],
] as const)("MIGRATE_ON_START of the %s", (_service, load) => {
  it("defaults to true: started on its own, the service keeps migrating its database", () => {
    expect(load({}).MIGRATE_ON_START).toBe(true);
  });

  it("reads true and false as deployments write them", () => {
    expect(load({ MIGRATE_ON_START: "false" }).MIGRATE_ON_START).toBe(false);
    expect(load({ MIGRATE_ON_START: "true" }).MIGRATE_ON_START).toBe(true);
  });

  it("refuses anything else instead of guessing", () => {
    expect(() => load({ MIGRATE_ON_START: "sometimes" })).toThrow(/MIGRATE_ON_START/);
  });
});
