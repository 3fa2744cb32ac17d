import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from "kysely";
import type pg from "pg";
import { isStalePlan, type StatementNames } from "./prepared-statements.js";

/**
 * The pg pool as Kysely sees it, with every query sent in pg's callback form.
 *
 * Kysely calls `client.query(sql, params)` and awaits the promise pg returns. Measured on the registry (2,000
 * FindDocuments reads of 50 rows, about 330 KB each), that promise form left each result reachable past the
 * young-generation collections, so results piled up in the old generation: 26 full collections instead of 1, pauses
 * of 5-9 ms, twice the CPU per query (1.5 ms instead of 0.75 ms). The callback form of the same call, on the same
 * client, lets results die young. Cursors (streamed reads) go through unchanged.
 *
 * Statements that `names` names go as named statements, parsed and planned once per connection
 * (prepared-statements.ts); without `names`, every statement goes unnamed.
 */
export function callbackQueryPool(pool: pg.Pool, names?: StatementNames): PostgresPool {
  return {
    options: pool.options,
    async connect(): Promise<PostgresPoolClient> {
      return poolClient(await pool.connect(), names);
    },
    end: () => pool.end(),
  };
}

function poolClient(client: pg.PoolClient, names: StatementNames | undefined): PostgresPoolClient {
  // pg-pool listens for errors only on idle clients. A connection that dies while checked out (server restart,
  // network cut, terminated backend) makes pg emit 'error' on the client, which without a listener would end the
  // process; the query in flight is rejected by pg itself, so this listener only marks the client as broken, and
  // release then destroys it instead of returning it to the pool.
  let broken = false;
  const onError = (): void => {
    broken = true;
  };
  client.on("error", onError);
  function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  function query<R>(sqlOrCursor: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof sqlOrCursor !== "string") {
      return (client.query as unknown as (cursor: PostgresCursor<R>) => PostgresCursor<R>)(sqlOrCursor);
    }
    const text = sqlOrCursor;
    const name = names?.nameFor(text);
    const values = parameters ? [...parameters] : [];
    // Outside a transaction block the statement runs in an implicit transaction of its own (status "I" before it).
    const standalone = client.getTransactionStatus() === "I";
    return new Promise((resolve, reject) => {
      const settle = (err: Error | null, result: unknown): void => {
        if (err) reject(err);
        else resolve(result as PostgresQueryResult<R>);
      };
      client.query(name === undefined ? { text, values } : { name, text, values }, (err: Error | null, result: unknown) => {
        if (err && name !== undefined && isStalePlan(err)) {
          // The statements this connection prepared may all be stale: it is closed on release, and the other
          // connections prepare under new names.
          names?.renew();
          broken = true;
          // The server refuses a stale plan before running it, so a statement of its own changed nothing and is
          // sent again, unnamed. In a transaction block the refusal has aborted the transaction: the caller sees it.
          if (standalone) {
            client.query({ text, values }, settle);
            return;
          }
        }
        settle(err, result);
      });
    });
  }
  // Kysely reads the backend's process id (an undocumented member of pg's Client) to cancel a query; without it,
  // it asks the server.
  const processID = (client as unknown as { readonly processID?: number }).processID;
  const release = (destroy?: boolean): void => {
    client.removeListener("error", onError);
    client.release(broken || destroy);
  };
  return processID === undefined ? { query, release } : { processID, query, release };
}
