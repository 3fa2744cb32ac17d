import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli.js";
import { EXIT_CODE } from "./errors/cli-error.js";
import { memoryIo } from "./testing/memory-io.js";
import { startPlatform, TEST_REPOSITORY_UNIQUE_ID, type PlatformUnderTest } from "./testing/platform-harness.js";
import { closedPort, startFaultServer, startSilentServer } from "./testing/stub-endpoints.js";

const PDF = join(import.meta.dirname, "../../../test/fixtures/documents/nist-12029-my_document.pdf");
const DSP_AUTHORITY = "&1.3.6.1.4.1.59999.2.1&ISO";
let counter = 0;
const freshPatient = (): string => `CLI${Date.now()}${process.pid}${++counter}^^^${DSP_AUTHORITY}`;

let platform: PlatformUnderTest;
let dir: string;

beforeAll(async () => {
  [platform, dir] = await Promise.all([startPlatform(), mkdtemp(join(tmpdir(), "opendsp-cli-int-"))]);
});
afterAll(async () => {
  await platform.close();
  await rm(dir, { recursive: true, force: true });
});

async function cli(argv: string[], options: { env?: Record<string, string>; signal?: AbortSignal } = {}) {
  const m = memoryIo({ env: options.env ?? platform.env, cwd: dir, ...(options.signal ? { signal: options.signal } : {}) });
  const code = await runCli(argv, m.io);
  return { code, stdout: m.stdout(), stderr: m.stderr() };
}

async function ok(argv: string[]): Promise<string> {
  const r = await cli(argv);
  expect(r.stderr.includes("opendsp:") ? r.stderr : "", argv.join(" ")).toBe("");
  expect(r.code).toBe(0);
  return r.stdout;
}

/** A failure: its exit code and exactly one line on stderr. */
async function fails(argv: string[], exitCode: number, message: RegExp, env?: Record<string, string>, signal?: AbortSignal) {
  const r = await cli(argv, { ...(env ? { env } : {}), ...(signal ? { signal } : {}) });
  expect(r.stderr).toMatch(message);
  expect(r.code).toBe(exitCode);
  expect(r.stderr.trimEnd().split("\n").filter((l) => l.startsWith("opendsp:"))).toHaveLength(1);
  return r;
}

async function leftovers(): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith(".part"));
}

interface QueriedDocument {
  uniqueId: string;
  title: string;
  category: string;
  mimeType: string;
  size: number;
  hash: string;
  repositoryUniqueId: string;
  availabilityStatus: string;
}

describe("opendsp against the real registry and repository", () => {
  it("patient add -> publish a PDF and a binary file -> query shows them -> retrieve gives identical bytes", async () => {
    const patient = freshPatient();
    expect(await ok(["patient", "add", patient])).toBe(`added: ${patient}\n`);
    expect(await ok(["patient", "add", patient])).toBe(`already known, active: ${patient}\n`);
    expect(await ok(["patient", "show", patient])).toBe(`active: ${patient}\n`);

    const pdfOut = await ok(["publish", PDF, "--patient", patient, "--author", "Dr Jean Weber", "--author-institution", "Centre Hospitalier de Luxembourg", "--family", "Muller", "--given", "Anne", "--birth-date", "1960-01-01", "--sex", "F"]);
    expect(pdfOut).toMatch(/^document uniqueId: +2\.25\.\d+\ndocument entryUUID: +urn:uuid:[0-9a-f-]{36}\nsubmission set uniqueId: +2\.25\.\d+\n$/);
    const pdfId = /document uniqueId: +(\S+)/.exec(pdfOut)?.[1] ?? "";

    const binary = randomBytes(700_000);
    const binaryFile = join(dir, "scan.dcm");
    await writeFile(binaryFile, binary);
    const published = JSON.parse(await ok(["publish", "scan.dcm", "--patient", patient, "--class", "imaging-report", "--title", "Scanner thoracique", "--json"])) as {
      documentUniqueId: string;
      mimeType: string;
      size: number;
    };
    expect(published).toMatchObject({ mimeType: "application/dicom", size: binary.length });

    const listed = JSON.parse(await ok(["query", "--patient", patient, "--json"])) as QueriedDocument[];
    expect(listed.map((d) => d.uniqueId).sort()).toEqual([pdfId, published.documentUniqueId].sort());
    const pdfBytes = await readFile(PDF);
    expect(listed.find((d) => d.uniqueId === pdfId)).toMatchObject({
      title: "nist-12029-my_document",
      category: "discharge-letter",
      mimeType: "application/pdf",
      size: pdfBytes.length,
      repositoryUniqueId: TEST_REPOSITORY_UNIQUE_ID,
      availabilityStatus: "approved",
    });
    expect(listed.find((d) => d.uniqueId === published.documentUniqueId)).toMatchObject({ title: "Scanner thoracique", category: "imaging-report", size: binary.length });

    const table = await ok(["query", "--patient", patient]);
    const lines = table.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^UNIQUE ID +TITLE +CLASS +TYPE +CREATED \(UTC\) +SIZE +MIME TYPE +REPOSITORY$/);
    expect(lines).toHaveLength(3);
    expect(table).toContain(pdfId);
    const imagingOnly = JSON.parse(await ok(["query", "--patient", patient, "--class", "imaging-report", "--json"])) as QueriedDocument[];
    expect(imagingOnly.map((d) => d.uniqueId)).toEqual([published.documentUniqueId]);
    expect(JSON.parse(await ok(["query", "--patient", patient, "--to", "2000", "--json"]))).toEqual([]);

    expect(await ok(["retrieve", pdfId, "-o", "letter.pdf"])).toMatch(/^wrote letter\.pdf \(14226 bytes, application\/pdf, SHA-1 [0-9a-f]{40}\)\n$/);
    expect((await readFile(join(dir, "letter.pdf"))).equals(pdfBytes)).toBe(true);
    await ok(["retrieve", published.documentUniqueId, "-o", "scan-back.dcm", "--repository-id", TEST_REPOSITORY_UNIQUE_ID]);
    expect((await readFile(join(dir, "scan-back.dcm"))).equals(binary)).toBe(true);
    expect(await leftovers()).toEqual([]);
  });

  it("passes a RegistryResponse Failure on with each errorCode, codeContext and location", async () => {
    const unknown = freshPatient();
    await fails(["publish", PDF, "--patient", unknown], EXIT_CODE.refused, /^opendsp: the repository refused the submission \(ITI-41 Failure\): XDSUnknownPatientId: .+ \(at .+\)\n$/);
    const patient = freshPatient();
    await ok(["patient", "add", patient]);
    await writeFile(join(dir, "data.bin"), randomBytes(1000));
    await fails(["publish", "data.bin", "--patient", patient], EXIT_CODE.refused, /XDS\w+MetadataError: XDSDocumentEntry\.mimeType "application\/octet-stream" is not in the affinity domain's mime types \(at urn:uuid:/);
    await fails(["publish", PDF, "--patient", patient, "--repository-id", "1.2.3.4"], EXIT_CODE.refused, /XDSRepositoryMetadataError: XDSDocumentEntry\.repositoryUniqueId is 1\.2\.3\.4/);
    await fails(["publish", PDF, "--patient", patient, "--class", "34133-9^^2.16.840.1.113883.6.1"], EXIT_CODE.refused, /classCode code "34133-9" \(codingScheme "2\.16\.840\.1\.113883\.6\.1"\) is not in the affinity domain's code set/);
    const empty = await cli(["query", "--patient", patient]);
    expect([empty.code, empty.stdout, empty.stderr]).toEqual([0, "", "no documents found\n"]);
  });

  it("passes the admin API's problem+json on", async () => {
    await fails(["patient", "add", "P1^^^&9.9.9&ISO"], EXIT_CODE.refused, /^opendsp: the patient admin API refused the request: Not a patient id of this affinity domain: .+ \(HTTP 400, urn:opendsp:problem:invalid-patient-id\)\n$/);
    await fails(["patient", "show", freshPatient()], EXIT_CODE.refused, /^opendsp: the registry does not know the patient id /);
  });

  it("says which document cannot be retrieved, and leaves no file behind", async () => {
    const patient = freshPatient();
    await ok(["patient", "add", patient]);
    const id = (JSON.parse(await ok(["publish", PDF, "--patient", patient, "--json"])) as { documentUniqueId: string }).documentUniqueId;
    await fails(["retrieve", "2.25.4242", "-o", "none.pdf"], EXIT_CODE.refused, /^opendsp: the registry knows no document with uniqueId 2\.25\.4242\n$/);
    await fails(["retrieve", id, "-o", "wrong.pdf", "--repository-id", "1.3.6.1.4.1.59999.3.99"], EXIT_CODE.refused, /ITI-43 Failure\): XDSUnknownRepositoryId: /);
    const files = await readdir(dir);
    expect(files).not.toContain("none.pdf");
    expect(files).not.toContain("wrong.pdf");
    expect(await leftovers()).toEqual([]);
  });

  it("says the platform cannot be reached, for every command", async () => {
    const port = await closedPort();
    const nowhere = { OPENDSP_URL: `http://127.0.0.1:${port}` };
    const unreachable = new RegExp(`^opendsp: cannot reach OpenDSP at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\): is it running\\? start it with \`pnpm start\`\n$`);
    const patient = freshPatient();
    await fails(["query", "--patient", patient], EXIT_CODE.unreachable, unreachable, nowhere);
    await fails(["publish", PDF, "--patient", patient], EXIT_CODE.unreachable, unreachable, nowhere);
    await fails(["retrieve", "2.25.1", "-o", "x.pdf"], EXIT_CODE.unreachable, unreachable, nowhere);
    await fails(["retrieve", "2.25.1", "-o", "x.pdf", "--repository-id", "1.2.3"], EXIT_CODE.unreachable, unreachable, nowhere);
    await fails(["patient", "add", patient], EXIT_CODE.unreachable, unreachable, nowhere);
    await fails(["seed", "--patients", "1", "--documents", "1"], EXIT_CODE.unreachable, unreachable, nowhere);
    expect(await leftovers()).toEqual([]);
  });

  it("gives a SOAP Fault's code and reason, and says when an address is no SOAP endpoint", async () => {
    const faulty = await startFaultServer({ code: "Receiver", subcodes: ["wsa:DestinationUnreachable"], reason: "The registry database is not available" });
    try {
      await fails(
        ["query", "--patient", freshPatient()],
        EXIT_CODE.refused,
        /^opendsp: the registry answered with a SOAP Fault: Receiver \/ wsa:DestinationUnreachable: The registry database is not available\n$/,
        { ...platform.env, OPENDSP_REGISTRY_URL: faulty.baseUrl },
      );
      await fails(["publish", PDF, "--patient", freshPatient()], EXIT_CODE.refused, /^opendsp: the repository answered with a SOAP Fault: Receiver \/ wsa:DestinationUnreachable: /, {
        ...platform.env,
        OPENDSP_REPOSITORY_URL: faulty.baseUrl,
      });
    } finally {
      await faulty.close();
    }
    // The repository serves no /xds/registry: an HTTP 404 that is no SOAP answer.
    await fails(["query", "--patient", freshPatient()], EXIT_CODE.refused, /\/xds\/registry answered HTTP 404 without a SOAP answer: is http:\/\/127\.0\.0\.1:\d+ an OpenDSP platform \(check --url\)\?/, {
      OPENDSP_REGISTRY_URL: platform.repositoryBaseUrl,
    });
  });

  it("gives up on a platform that does not answer, and stops cleanly when interrupted", async () => {
    const silent = await startSilentServer();
    try {
      const env = { OPENDSP_URL: silent.baseUrl };
      await fails(["--timeout", "0.5", "query", "--patient", freshPatient()], EXIT_CODE.unreachable, /^opendsp: no answer from OpenDSP at http:\/\/127\.0\.0\.1:\d+ in time/, env);
      await fails(["--timeout", "0.5", "patient", "add", freshPatient()], EXIT_CODE.unreachable, /^opendsp: no answer from OpenDSP at/, env);
      await fails(["--timeout", "0.5", "retrieve", "2.25.1", "-o", "slow.pdf", "--repository-id", "1.2.3"], EXIT_CODE.unreachable, /^opendsp: no answer from OpenDSP at/, env);
      const controller = new AbortController();
      const seen = silent.requests;
      const interrupted = fails(["retrieve", "2.25.1", "-o", "stopped.pdf", "--repository-id", "1.2.3"], EXIT_CODE.interrupted, /^opendsp: interrupted before the end\n$/, env, controller.signal);
      while (silent.requests === seen) await new Promise((r) => setTimeout(r, 10));
      controller.abort(new Error("interrupted (SIGINT)"));
      await interrupted;
    } finally {
      await silent.close();
    }
    const files = await readdir(dir);
    expect(files.filter((f) => f.startsWith("slow.pdf") || f.startsWith("stopped.pdf") || f.includes(".slow.pdf") || f.includes(".stopped.pdf"))).toEqual([]);
  });
});

describe("opendsp seed against the real registry and repository", () => {
  interface Summary {
    seed: number;
    until: string;
    patients: { total: number; added: number; alreadyKnown: number };
    documents: { total: number; published: number; alreadyPresent: number };
    byCategory: Record<string, number>;
  }

  it("loads patients and documents that FindDocuments then returns, and loading the same seed again changes nothing", async () => {
    const args = ["seed", "--patients", "4", "--documents", "30", "--concurrency", "3", "--seed", String(Date.now() % 1_000_000_000), "--until", "2026-06-30", "--json"];
    const first = JSON.parse(await ok(args)) as Summary;
    expect(first.patients).toEqual({ total: 4, added: 4, alreadyKnown: 0 });
    expect(first.documents).toEqual({ total: 30, published: 30, alreadyPresent: 0 });
    expect(Object.values(first.byCategory).reduce((a, b) => a + b, 0)).toBe(30);

    // The seed's patients are those of its data set; FindDocuments over all of them returns every document.
    const { syntheticPatient } = await import("./seed/synthetic-people.js");
    const until = new Date(Date.UTC(2026, 5, 30, 23, 59, 59));
    let found = 0;
    const categories: Record<string, number> = {};
    for (let i = 0; i < 4; i++) {
      const docs = JSON.parse(await ok(["query", "--patient", syntheticPatient(first.seed, i, until).patientId, "--json"])) as QueriedDocument[];
      found += docs.length;
      for (const d of docs) {
        categories[d.category] = (categories[d.category] ?? 0) + 1;
        expect(d.repositoryUniqueId).toBe(TEST_REPOSITORY_UNIQUE_ID);
        expect(d.availabilityStatus).toBe("approved");
      }
    }
    expect(found).toBe(30);
    expect(categories).toEqual(first.byCategory);

    const again = JSON.parse(await ok(args)) as Summary;
    expect(again.patients).toEqual({ total: 4, added: 0, alreadyKnown: 4 });
    expect(again.documents).toEqual({ total: 30, published: 0, alreadyPresent: 30 });
  });

  it("prints a readable summary", async () => {
    const out = await ok(["seed", "--patients", "2", "--documents", "5", "--until", "2026-06-30"]);
    expect(out).toMatch(/^seed \d+, documents dated up to 2026-06-30 \(replay: --seed \d+ --until 2026-06-30\)\n/);
    expect(out).toMatch(/\npatients: +2 \(2 added, 0 already known\)\ndocuments: 5 \(5 published, 0 already present\)\nelapsed: +[\d.]+ s, [\d.]+ documents\/s\nby category:\n/);
  });
});

describe("the built command", () => {
  const packageDir = join(import.meta.dirname, "..");

  /** Runs `node <script> ...args` as its own process, with only the given environment on top of PATH. */
  async function node(script: string, args: string[], env: Record<string, string> = {}) {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [script, ...args], { cwd: dir, env: { PATH: process.env["PATH"] ?? "", ...env } });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  }

  it("is one file that runs on its own: publish, query and retrieve through node dist/opendsp.js", async () => {
    await promisify(execFile)(process.execPath, [join(packageDir, "build.mjs")], { cwd: packageDir });
    // Copied out of the workspace, where no node_modules can be found: everything must be inside the bundle.
    const standalone = join(dir, "opendsp-standalone.mjs");
    await copyFile(join(packageDir, "dist", "opendsp.js"), standalone);
    expect((await node(standalone, ["--version"])).stdout.trim()).toBe("0.1.0");

    const patient = freshPatient();
    await ok(["patient", "add", patient]);
    const published = await node(standalone, ["publish", PDF, "--patient", patient, "--class", "lab-result", "--json"], platform.env);
    expect(published.stderr).toBe("");
    expect(published.code).toBe(0);
    const { documentUniqueId } = JSON.parse(published.stdout) as { documentUniqueId: string };
    const listed = await node(standalone, ["query", "--patient", patient], platform.env);
    expect(listed.stdout).toMatch(new RegExp(`^${documentUniqueId.replace(/\./g, "\\.")} +nist-12029-my_document +lab-result +lab-result `, "m"));
    const retrieved = await node(standalone, ["retrieve", documentUniqueId, "-o", "bundled.pdf"], platform.env);
    expect(retrieved.code).toBe(0);
    expect((await readFile(join(dir, "bundled.pdf"))).equals(await readFile(PDF))).toBe(true);

    const refused = await node(standalone, ["query", "--patient", "nope"], platform.env);
    expect(refused.code).toBe(EXIT_CODE.usage);
    expect(refused.stderr).toMatch(/^opendsp: option '--patient <id>' argument 'nope' is invalid\./);

    // The package's bin runs the bundle.
    expect((await node(join(packageDir, "bin", "opendsp.js"), ["--version"])).stdout.trim()).toBe("0.1.0");
  });

  it("says how to build it when the bin finds no bundle", async () => {
    await mkdir(join(dir, "unbuilt", "bin"), { recursive: true });
    const bin = join(dir, "unbuilt", "bin", "opendsp.js");
    await copyFile(join(packageDir, "bin", "opendsp.js"), bin);
    const r = await node(bin, ["--version"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Build it with `pnpm --filter @opendsp/cli build`");
  });
});
