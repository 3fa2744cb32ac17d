import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_VERSION, runCli } from "./cli.js";
import { EXIT_CODE } from "./errors/cli-error.js";
import { memoryIo } from "./testing/memory-io.js";

const PATIENT = "1985032412345^^^&1.3.6.1.4.1.59999.2.1&ISO";
// fetch refuses port 1 outright ("bad port"): a request that got past the argument checks would fail with 3.
const NOWHERE = { OPENDSP_URL: "http://127.0.0.1:1" };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "opendsp-cli-args-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(argv: string[], env: Record<string, string> = NOWHERE) {
  const m = memoryIo({ env, cwd: dir });
  const code = await runCli(argv, m.io);
  return { code, stdout: m.stdout(), stderr: m.stderr() };
}

/** A usage error: exit 2 and exactly one line on stderr, nothing on stdout. */
async function expectUsageError(argv: string[], message: RegExp, env?: Record<string, string>) {
  const r = await run(argv, env);
  expect(r.code).toBe(EXIT_CODE.usage);
  expect(r.stdout).toBe("");
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(/^opendsp: /);
  expect(r.stderr).toMatch(message);
}

describe("runCli: help and version", () => {
  it("prints the help with every command on --help (exit 0), and on no argument at all (exit 2)", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    for (const command of ["publish", "query", "retrieve", "patient", "seed", "token", "categories"]) expect(help.stdout).toContain(command);
    expect(help.stdout).toContain("OPENDSP_TOKEN");
    expect(help.stdout).toContain("OPENDSP_REGISTRY_URL");
    expect(help.stdout).toContain("Exit codes");
    const none = await run([]);
    expect(none.code).toBe(EXIT_CODE.usage);
    expect(none.stdout).toContain("Usage: opendsp");
  });

  it("prints each command's help", async () => {
    const publish = await run(["publish", "--help"]);
    expect(publish.code).toBe(0);
    expect(publish.stdout).toMatch(/--patient <id>/);
    expect(publish.stdout).toMatch(/--repository-id <oid>/);
    const add = await run(["patient", "add", "--help"]);
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/Usage: opendsp patient add/);
  });

  it("prints the version", async () => {
    const r = await run(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(CLI_VERSION);
  });
});

describe("runCli: bad usage is one line and exit code 2, before anything is sent", () => {
  it("refuses an unknown command or option, and suggests the near one", async () => {
    await expectUsageError(["pubish"], /unknown command 'pubish'.*publish/);
    await expectUsageError(["query", "--patient", PATIENT, "--colour"], /unknown option '--colour'.*see opendsp query --help/);
  });

  it("refuses missing required options and arguments", async () => {
    await expectUsageError(["publish", "x.pdf"], /required option '--patient <id>' not specified/);
    await expectUsageError(["publish", "--patient", PATIENT], /missing required argument 'file'/);
    await expectUsageError(["retrieve", "2.25.1"], /required option '-o, --output <file>' not specified/);
    await expectUsageError(["seed", "--patients", "3"], /required option '--documents <n>'/);
  });

  it("refuses a patient id that is not a CX id^^^&OID&ISO", async () => {
    for (const bad of ["12345", "12345^^^&1.2.3", "12345^^^IHERED", "12345^^^&not-an-oid&ISO"]) {
      await expectUsageError(["query", "--patient", bad], /expected a CX patient id/);
    }
    await expectUsageError(["patient", "add", "nope"], /expected a CX patient id/);
  });

  it("refuses bad values of typed options", async () => {
    await expectUsageError(["query", "--patient", PATIENT, "--status", "lost"], /Allowed choices are approved, deprecated, all/);
    await expectUsageError(["query", "--patient", PATIENT, "--from", "2024-02-30"], /expected a date/);
    await expectUsageError(["query", "--patient", PATIENT, "--class", "horoscope"], /unknown document category or code "horoscope"/);
    await expectUsageError(["publish", "x.pdf", "--patient", PATIENT, "--confidentiality", "secret"], /expected N, R, V/);
    await expectUsageError(["publish", "x.pdf", "--patient", PATIENT, "--mime-type", "pdf"], /expected a MIME type/);
    await expectUsageError(["publish", "x.pdf", "--patient", PATIENT, "--repository-id", "repo-1"], /expected an OID/);
    await expectUsageError(["publish", "x.pdf", "--patient", PATIENT, "--birth-date", "1985"], /expected a day/);
    await expectUsageError(["publish", "x.pdf", "--patient", PATIENT, "--sex", "X"], /expected F, M, O or U/);
    await expectUsageError(["seed", "--patients", "0", "--documents", "1"], /at least 1/);
    await expectUsageError(["seed", "--patients", "200000", "--documents", "1"], /--patients is at most 100000/);
    await expectUsageError(["--timeout", "-1", "query", "--patient", PATIENT], /expected a number of seconds/);
  });

  it("refuses a platform address that is not an http(s) URL, from the option or the environment", async () => {
    await expectUsageError(["--url", "ftp://example.org", "query", "--patient", PATIENT], /--url must be an http:\/\/ or https:\/\/ URL/);
    await expectUsageError(["query", "--patient", PATIENT], /OPENDSP_URL is not a URL/, { OPENDSP_URL: "localhost 8080" });
    await expectUsageError(["query", "--patient", PATIENT], /OPENDSP_REPOSITORY_URL must be an http/, { OPENDSP_REPOSITORY_URL: "file:///tmp" });
  });

  it("refuses author details without an author", async () => {
    await expectUsageError(["publish", join(import.meta.dirname, "..", "package.json"), "--patient", PATIENT, "--author-role", "GP"], /give --author too/);
  });
});

describe("runCli: local files", () => {
  it("refuses a missing file or a directory with exit code 4, naming the file as given", async () => {
    const missing = await run(["publish", "nope.pdf", "--patient", PATIENT]);
    expect(missing.code).toBe(EXIT_CODE.file);
    expect(missing.stderr).toBe("opendsp: cannot read nope.pdf: no such file or directory\n");
    const directory = await run(["publish", ".", "--patient", PATIENT]);
    expect(directory.code).toBe(EXIT_CODE.file);
    expect(directory.stderr).toBe("opendsp: cannot read .: not a regular file\n");
  });

  it("refuses an output file in a directory that does not exist, before asking the platform", async () => {
    const r = await run(["retrieve", "2.25.1", "--repository-id", "1.2.3", "-o", "no/such/dir/out.pdf"]);
    expect(r.code).toBe(EXIT_CODE.file);
    expect(r.stderr).toBe("opendsp: cannot write no/such/dir/out.pdf: no such file or directory\n");
  });
});

describe("runCli: categories", () => {
  it("lists the DSP categories with their codes, or as JSON", async () => {
    const table = await run(["categories"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^lab-result\s+11502-2\s+2\.16\.840\.1\.113883\.6\.1\s+Laboratory report$/m);
    expect(table.stdout).toMatch(/^discharge-letter \(default\)/m);
    const json = await run(["categories", "--json"]);
    expect(JSON.parse(json.stdout)).toContainEqual({ name: "medical-certificate", code: "DSP-CERT-MED", codingScheme: "1.3.6.1.4.1.59999.1.1", displayName: "Medical certificate" });
  });
});
