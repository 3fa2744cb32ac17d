import { describe, expect, it } from "vitest";
import { DEFAULT_PREPARE_THRESHOLD, splitPrepareThreshold, statementNames } from "./prepared-statements.js";

describe("statementNames (which statements run as named, prepared statements)", () => {
  it("names a text at its threshold-th execution, and under the same name from then on", () => {
    const names = statementNames(3);
    const sql = 'select "body" from "note" where "id" = $1';
    expect([names?.nameFor(sql), names?.nameFor(sql)]).toEqual([undefined, undefined]);
    const name = names?.nameFor(sql);
    expect(name).toMatch(/^opendsp_0_[0-9a-f]{32}$/);
    expect(names?.nameFor(sql)).toBe(name);
    expect(names?.nameFor(`${sql} `)).toBeUndefined();
  });

  it("leaves transaction control and DDL unnamed however often they run", () => {
    const names = statementNames(1);
    for (const sql of ["begin", "commit", "rollback", "CREATE TABLE t (id int)", "set local lock_timeout = 1000"]) {
      expect(names?.nameFor(sql)).toBeUndefined();
    }
    expect(names?.nameFor("  WITH x AS (SELECT 1) SELECT * FROM x")).toBeDefined();
    expect(names?.nameFor("INSERT INTO t VALUES ($1)")).toBeDefined();
  });

  it("names at most 256 texts, so that no connection holds more statements than that", () => {
    const names = statementNames(1);
    const named = Array.from({ length: 300 }, (_, i) => names?.nameFor(`select ${i}`));
    expect(named.filter((n) => n !== undefined)).toHaveLength(256);
    expect(names?.nameFor("select 0")).toBe(named[0]);
    expect(names?.nameFor("select 299")).toBeUndefined();
  });

  it("gives every text a new name after renew", () => {
    const names = statementNames(1);
    const before = names?.nameFor("select 1");
    names?.renew();
    const after = names?.nameFor("select 1");
    expect(after).toMatch(/^opendsp_1_/);
    expect(after).not.toBe(before);
  });

  it("is off with a threshold of 0", () => {
    expect(statementNames(0)).toBeUndefined();
  });
});

describe("splitPrepareThreshold (prepareThreshold in a postgres:// URL)", () => {
  it("defaults to pgJDBC's 5 and leaves the URL as it is", () => {
    const url = "postgres://opendsp:secret@db.example:5432/opendsp?sslmode=require";
    expect(splitPrepareThreshold(url)).toEqual({ url, threshold: DEFAULT_PREPARE_THRESHOLD });
    expect(DEFAULT_PREPARE_THRESHOLD).toBe(5);
  });

  it("takes the parameter out and keeps the others", () => {
    const { url, threshold } = splitPrepareThreshold("postgres://db.example/opendsp?prepareThreshold=0&application_name=registry");
    expect(threshold).toBe(0);
    expect(new URL(url).searchParams.get("prepareThreshold")).toBeNull();
    expect(new URL(url).searchParams.get("application_name")).toBe("registry");
  });

  it("refuses a value that is not a whole number, naming the parameter", () => {
    for (const bad of ["-1", "five", "2.5", ""]) {
      expect(() => splitPrepareThreshold(`postgres://db.example/opendsp?prepareThreshold=${bad}`)).toThrow(/prepareThreshold/);
    }
  });
});
