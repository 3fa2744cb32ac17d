import { describe, expect, it } from "vitest";
import { SubjectSyntaxError, subjectKeyOfCertificate, subjectKeyOfText } from "./certificate-subject.js";

describe("subject keys", () => {
  it("match an RFC 4514 DN and the subject Node reports for a certificate, whatever the attribute order", () => {
    const fromNode = subjectKeyOfCertificate({ C: "FR", O: "Laboratoire Exemple", CN: "lis.example.org" });
    expect(subjectKeyOfText("CN=lis.example.org,O=Laboratoire Exemple,C=FR")).toBe(fromNode);
    expect(subjectKeyOfText("C=FR\nO=Laboratoire Exemple\nCN=lis.example.org")).toBe(fromNode);
    expect(subjectKeyOfText(" cn = lis.example.org , o=Laboratoire Exemple, c=FR")).toBe(fromNode);
  });

  it("require every attribute: a subset or superset is another subject", () => {
    const key = subjectKeyOfCertificate({ CN: "lab", O: "Lab A" });
    expect(subjectKeyOfText("CN=lab")).not.toBe(key);
    expect(subjectKeyOfText("CN=lab,O=Lab A,OU=Biology")).not.toBe(key);
    expect(subjectKeyOfText("CN=lab,O=Lab B")).not.toBe(key);
    expect(subjectKeyOfText("CN=Lab,O=Lab A")).not.toBe(key);
  });

  it("count repeated attributes (Node gives them as a list)", () => {
    const key = subjectKeyOfCertificate({ CN: "lab", OU: ["Biology", "Imaging"] });
    expect(subjectKeyOfText("OU=Imaging,OU=Biology,CN=lab")).toBe(key);
    expect(subjectKeyOfText("OU=Imaging,CN=lab")).not.toBe(key);
  });

  it("reads RFC 4514 escapes: special characters, hex pairs (UTF-8), and non-ASCII text as is", () => {
    const key = subjectKeyOfCertificate({ CN: 'Dupont, "Jean"+1', O: "Hôpital Nord" });
    expect(subjectKeyOfText('CN=Dupont\\, \\"Jean\\"\\+1,O=H\\C3\\B4pital Nord')).toBe(key);
    expect(subjectKeyOfText('O=Hôpital Nord,CN=Dupont\\, \\"Jean\\"\\+1')).toBe(key);
    expect(subjectKeyOfText("CN=trailing\\ ")).toBe(subjectKeyOfCertificate({ CN: "trailing " }));
  });

  it("refuses text that is not a DN", () => {
    for (const text of ["", "lab-system", "CN=lab,", "CN=lab,,O=x", "=lab", "CN=lab\\", "C N=lab"]) {
      expect(() => subjectKeyOfText(text), text).toThrow(SubjectSyntaxError);
    }
  });
});
