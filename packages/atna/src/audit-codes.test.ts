import { describe, expect, it } from "vitest";
import { eventIdentificationOf, sideOf } from "./audit-codes.js";

describe("sideOf", () => {
  it("places each IHE actor on its side of the transaction", () => {
    expect(sideOf("ITI-18", "consumer")).toBe("initiator");
    expect(sideOf("ITI-18", "registry")).toBe("responder");
    expect(sideOf("ITI-41", "source")).toBe("initiator");
    expect(sideOf("ITI-41", "repository")).toBe("responder");
    expect(sideOf("ITI-42", "repository")).toBe("initiator");
    expect(sideOf("ITI-42", "registry")).toBe("responder");
    expect(sideOf("ITI-43", "consumer")).toBe("initiator");
    expect(sideOf("ITI-43", "repository")).toBe("responder");
    expect(sideOf("ITI-8", "source")).toBe("initiator");
    expect(sideOf("ITI-8", "registry")).toBe("responder");
    expect(sideOf("ITI-40", "gateway")).toBe("responder");
    expect(sideOf("ITI-40", "source")).toBeUndefined();
    expect(sideOf("ITI-43", "registry")).toBeUndefined();
  });
});

describe("eventIdentificationOf", () => {
  it("gives the EventID and EventActionCode ITI TF-2 prescribes per side", () => {
    const summary = (t: Parameters<typeof eventIdentificationOf>[0], s: "initiator" | "responder", f?: "create" | "update") => {
      const e = eventIdentificationOf(t, s, f);
      return `${e.eventId.code} ${e.eventId.display} ${e.action} ${e.eventType.code}/${e.eventType.system}`;
    };
    expect(summary("ITI-18", "initiator")).toBe("110112 Query E ITI-18/IHE Transactions");
    expect(summary("ITI-18", "responder")).toBe("110112 Query E ITI-18/IHE Transactions");
    expect(summary("ITI-41", "initiator")).toBe("110106 Export R ITI-41/IHE Transactions");
    expect(summary("ITI-41", "responder")).toBe("110107 Import C ITI-41/IHE Transactions");
    expect(summary("ITI-42", "initiator")).toBe("110106 Export R ITI-42/IHE Transactions");
    expect(summary("ITI-42", "responder")).toBe("110107 Import C ITI-42/IHE Transactions");
    expect(summary("ITI-43", "initiator")).toBe("110107 Import C ITI-43/IHE Transactions");
    expect(summary("ITI-43", "responder")).toBe("110106 Export R ITI-43/IHE Transactions");
    expect(summary("ITI-8", "responder")).toBe("110110 Patient Record C ITI-8/IHE Transactions");
    expect(summary("ITI-8", "initiator", "update")).toBe("110110 Patient Record U ITI-8/IHE Transactions");
    expect(summary("ITI-40", "responder")).toBe("110114 User Authentication E 110122/DCM");
  });
});
