import { randomBytes } from "node:crypto";
import { createLogger, migrateToLatest, openDatabase, type Database } from "@opendsp/platform";
import { createPostgresTestDatabase, type TestDatabase } from "@opendsp/testing";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import type { Kysely } from "kysely";
import { CONSENT_MIGRATIONS } from "../../migrations/index.js";
import { buildApp } from "../app.js";
import { emergencyRolesOf, loadConsentConfig, type ConsentConfig } from "../config.js";
import type { Actor } from "../domain/actor.js";
import { encodeActorHeader } from "@opendsp/platform";
import type { ConsentDatabase } from "../storage/consent-database.js";

/** The two database engines every integration test runs against. */
export const DATABASE_KINDS = ["postgres", "pglite"] as const;
export type DatabaseKindUnderTest = (typeof DATABASE_KINDS)[number];

export interface ConsentUnderTest {
  readonly app: FastifyInstance;
  readonly db: Kysely<ConsentDatabase>;
  readonly config: ConsentConfig;
  /** The service's clock; tests set it to move time. */
  readonly clock: { now: Date };
  /** Advances the clock by some seconds. */
  advance(seconds: number): void;
  /** A request as the gateway makes it, with the actor in X-OpenDSP-Actor (none: no header). */
  call(method: "GET" | "PUT" | "POST" | "DELETE", url: string, actor?: Actor, body?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** The path of a patient's resource, with the patient id URL-encoded as a caller must. */
export function patientPath(patientId: string, rest: string): string {
  return `/api/consent/patients/${encodeURIComponent(patientId)}/${rest}`;
}

/** A consent service on a fresh, migrated database of the given kind, with its clock in the test's hands. */
export async function startConsent(kind: DatabaseKindUnderTest, env: Record<string, string> = {}): Promise<ConsentUnderTest> {
  let testDb: TestDatabase | undefined;
  let database: Database<ConsentDatabase>;
  if (kind === "postgres") {
    testDb = await createPostgresTestDatabase("opendsp_consent");
    database = await openDatabase<ConsentDatabase>({ url: testDb.url, maxConnections: 5 });
  } else {
    database = await openDatabase<ConsentDatabase>({});
  }
  await migrateToLatest(database.db as Kysely<unknown>, CONSENT_MIGRATIONS);
  const config = loadConsentConfig(env);
  const clock = { now: new Date("2026-12-05T09:00:00Z") };
  const app = buildApp(config, {
    db: database.db,
    presenceCodeKey: randomBytes(32),
    policy: { emergencyRoles: emergencyRolesOf(config) },
    now: () => clock.now,
    logger: createLogger({ service: "consent", level: "silent" }),
  });
  await app.ready();
  return {
    app,
    db: database.db,
    config,
    clock,
    advance: (seconds) => {
      clock.now = new Date(clock.now.getTime() + seconds * 1000);
    },
    call: (method, url, actor, body) =>
      app.inject({
        method,
        url,
        headers: actor ? { "x-opendsp-actor": encodeActorHeader(actor) } : {},
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      }),
    close: async () => {
      await app.close();
      await database.close();
      await testDb?.drop();
    },
  };
}
