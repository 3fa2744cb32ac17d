import { generateTestCertificate, type TestCertificate } from "@opendsp/testing";
import { X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { subjectKeyOfText } from "./certificate-subject.js";
import { SystemsFileError, identityOf, parseKnownSystems, type PeerCertificateFacts } from "./known-systems.js";

let ca: TestCertificate;
let lab: TestCertificate;
let renewedLab: TestCertificate;
let hospital: TestCertificate;

/** A certificate as the TLS layer reports it (X509Certificate's subject is in Node's one-attribute-a-line form). */
function facts(cert: TestCertificate): PeerCertificateFacts {
  const x509 = new X509Certificate(cert.certPem);
  return { fingerprint256: x509.fingerprint256, subject: subjectKeyOfText(x509.subject) };
}

function entry(overrides: Record<string, unknown>): Record<string, unknown> {
  return { id: "lab-1", name: "Laboratoire Exemple", organizationId: "1.2.250.1.71.4.2.2", kind: "laboratory", certificate: {}, ...overrides };
}

function parse(entries: unknown): ReturnType<typeof parseKnownSystems> {
  return parseKnownSystems(JSON.stringify(entries), "systems.json");
}

function problemOf(text: string): string {
  try {
    parseKnownSystems(text, "systems.json");
  } catch (err) {
    expect(err).toBeInstanceOf(SystemsFileError);
    expect((err as SystemsFileError).code).toBe("GATEWAY_SYSTEMS_FILE");
    return (err as Error).message;
  }
  throw new Error("the systems file was accepted");
}

beforeAll(() => {
  ca = generateTestCertificate({ commonName: "Affinity domain CA", ca: true });
  lab = generateTestCertificate({ commonName: "lis.example.org", organization: "Laboratoire Exemple", issuer: ca, clientAuth: true });
  renewedLab = generateTestCertificate({ commonName: "lis.example.org", organization: "Laboratoire Exemple", issuer: ca, clientAuth: true });
  hospital = generateTestCertificate({ commonName: "his.example.org", organization: "Hôpital Nord", issuer: ca, clientAuth: true });
});

describe("parseKnownSystems: identifying a certificate", () => {
  it("matches by SHA-256 fingerprint, written with colons or without, in any case", () => {
    const fingerprint = new X509Certificate(lab.certPem).fingerprint256;
    for (const written of [fingerprint, fingerprint.replaceAll(":", "").toLowerCase()]) {
      const systems = parse([entry({ certificate: { sha256Fingerprint: written } })]);
      expect(systems.identify(facts(lab))).toMatchObject({ kind: "known", system: { id: "lab-1" } });
      expect(systems.identify(facts(renewedLab))).toEqual({ kind: "unknown" });
    }
  });

  it("matches by subject: any certificate of that name, renewals included", () => {
    const systems = parse([entry({ certificate: { subject: "CN=lis.example.org,O=Laboratoire Exemple" } }), entry({ id: "his", kind: "hospital", certificate: { subject: "CN=his.example.org,O=Hôpital Nord" } })]);
    expect(systems.size).toBe(2);
    expect(systems.identify(facts(lab))).toMatchObject({ kind: "known", system: { id: "lab-1" } });
    expect(systems.identify(facts(renewedLab))).toMatchObject({ kind: "known", system: { id: "lab-1" } });
    expect(systems.identify(facts(hospital))).toMatchObject({ kind: "known", system: { id: "his", kind: "hospital" } });
  });

  it("requires both when an entry gives a fingerprint and a subject", () => {
    const fingerprint = new X509Certificate(lab.certPem).fingerprint256;
    const systems = parse([entry({ certificate: { sha256Fingerprint: fingerprint, subject: "CN=lis.example.org,O=Laboratoire Exemple" } })]);
    expect(systems.identify(facts(lab)).kind).toBe("known");
    expect(systems.identify(facts(renewedLab))).toEqual({ kind: "unknown" });
    const wrongName = parse([entry({ certificate: { sha256Fingerprint: fingerprint, subject: "CN=lis.example.org,O=Other" } })]);
    expect(wrongName.identify(facts(lab))).toEqual({ kind: "unknown" });
  });

  it("reports a certificate two entries claim (one by fingerprint, one by subject) as ambiguous", () => {
    const fingerprint = new X509Certificate(lab.certPem).fingerprint256;
    const systems = parse([entry({ certificate: { sha256Fingerprint: fingerprint } }), entry({ id: "lab-2", certificate: { subject: "CN=lis.example.org,O=Laboratoire Exemple" } })]);
    expect(systems.identify(facts(lab))).toEqual({ kind: "ambiguous", ids: ["lab-1", "lab-2"] });
    expect(systems.identify(facts(renewedLab))).toMatchObject({ kind: "known", system: { id: "lab-2" } });
  });

  it("keeps the allowed transactions, named as IHE writes them or as the gateway does; none listed: all", () => {
    const systems = parse([
      entry({ transactions: ["ITI-41", "iti43"], certificate: { subject: "CN=lis.example.org,O=Laboratoire Exemple" } }),
      entry({ id: "his", certificate: { subject: "CN=his.example.org,O=Hôpital Nord" } }),
    ]);
    const labMatch = systems.identify(facts(lab));
    expect(labMatch.kind === "known" && [...(labMatch.system.transactions ?? [])]).toEqual(["iti41", "iti43"]);
    const hisMatch = systems.identify(facts(hospital));
    expect(hisMatch.kind === "known" && hisMatch.system.transactions).toBeUndefined();
    if (labMatch.kind === "known") expect(identityOf(labMatch.system)).toEqual({ id: "lab-1", name: "Laboratoire Exemple", organizationId: "1.2.250.1.71.4.2.2", kind: "laboratory" });
  });
});

describe("parseKnownSystems: a wrong file stops the start with its reason", () => {
  it("refuses what is not JSON or not a list of systems", () => {
    expect(problemOf("{")).toMatch(/^systems.json is not JSON: /);
    expect(problemOf("{}")).toMatch(/^systems.json is not a list of systems: /);
    expect(problemOf(JSON.stringify([entry({ kind: "pharmacy", certificate: { subject: "CN=x" } })]))).toContain("/0/kind");
    expect(problemOf(JSON.stringify([entry({ transactions: ["ITI-99"], certificate: { subject: "CN=x" } })]))).toContain("/0/transactions/0");
    expect(problemOf(JSON.stringify([entry({ transactions: [], certificate: { subject: "CN=x" } })]))).toContain("/0/transactions");
    expect(problemOf(JSON.stringify([entry({ certificate: { sha256Fingerprint: "abc" } })]))).toContain("/0/certificate/sha256Fingerprint");
    expect(problemOf(JSON.stringify([entry({ certificate: { subject: "CN=x" }, extra: 1 })]))).toContain("/0");
  });

  it("refuses entries that identify nothing, or the same certificate or id twice", () => {
    expect(problemOf(JSON.stringify([entry({})]))).toBe("systems.json: /0 (lab-1): certificate gives neither sha256Fingerprint nor subject");
    expect(problemOf(JSON.stringify([entry({ certificate: { subject: "lab" } })]))).toContain("/0 (lab-1): certificate.subject: ");
    const fingerprint = "AB".repeat(32);
    expect(problemOf(JSON.stringify([entry({ certificate: { sha256Fingerprint: fingerprint } }), entry({ id: "lab-2", certificate: { sha256Fingerprint: fingerprint.toLowerCase() } })]))).toBe(
      'systems.json: systems "lab-1" and "lab-2" give the same certificate fingerprint',
    );
    expect(problemOf(JSON.stringify([entry({ certificate: { subject: "CN=a,O=b" } }), entry({ id: "lab-2", certificate: { subject: "O=b, CN=a" } })]))).toBe(
      'systems.json: systems "lab-1" and "lab-2" give the same certificate subject',
    );
    expect(problemOf(JSON.stringify([entry({ certificate: { subject: "CN=a" } }), entry({ certificate: { subject: "CN=b" } })]))).toBe('systems.json: system id "lab-1" is registered twice');
  });
});
