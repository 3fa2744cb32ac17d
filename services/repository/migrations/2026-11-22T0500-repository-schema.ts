import { sql, type Kysely } from "kysely";

/**
 * The repository's own bookkeeping of the documents it holds: which blob holds which document, its hash and
 * size as computed while it was streamed in, and whether the registry accepted it. `pending` rows older than the
 * grace period are what the orphan sweeper removes (a crash between the blob write and the registration).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE stored_document (
      document_unique_id   text PRIMARY KEY,
      blob_key             text NOT NULL UNIQUE,
      mime_type            text NOT NULL,
      size                 bigint NOT NULL,
      hash                 text NOT NULL,
      state                text NOT NULL CHECK (state IN ('pending', 'registered')),
      submission_set_unique_id text,
      created_at           timestamptz NOT NULL DEFAULT now(),
      registered_at        timestamptz
    )
  `.execute(db);
  await sql`CREATE INDEX stored_document_pending ON stored_document (created_at) WHERE state = 'pending'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE stored_document`.execute(db);
}
