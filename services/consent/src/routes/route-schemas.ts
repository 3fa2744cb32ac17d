import Type, { type Static } from "typebox";

/** CX patient id of XDS (ITI TF-3 4.2.3.1.7 patientId): id^^^&OID&ISO, URL-encoded in paths. */
export const PATIENT_ID_PATTERN = "^[^\\s^&]{1,64}\\^\\^\\^&[0-2](\\.(0|[1-9][0-9]*))+&ISO$";

export const PatientParams = Type.Object({
  patientId: Type.String({ maxLength: 256, pattern: PATIENT_ID_PATTERN, description: "The CX patient id, URL-encoded: id^^^&OID&ISO" }),
});
export type PatientParams = Static<typeof PatientParams>;

export const ProfessionalId = Type.String({ minLength: 1, maxLength: 256, pattern: "^\\S(.*\\S)?$", description: "Professional id as the gateway authenticates it" });

export const ProfessionalParams = Type.Object({ patientId: PatientParams.properties.patientId, professionalId: ProfessionalId });
export type ProfessionalParams = Static<typeof ProfessionalParams>;

/** XDS document uniqueId (ITI TF-3 4.2.3.2.26): an OID, optionally ^extension; at most 128 characters. */
export const DocumentUniqueId = Type.String({ minLength: 1, maxLength: 128, pattern: "^[^\\s]+$" });

export const DocumentParams = Type.Object({ patientId: PatientParams.properties.patientId, documentUniqueId: DocumentUniqueId });
export type DocumentParams = Static<typeof DocumentParams>;

export const PersonParams = Type.Object({ patientId: PatientParams.properties.patientId, personId: Type.String({ minLength: 1, maxLength: 256, pattern: "^\\S(.*\\S)?$" }) });
export type PersonParams = Static<typeof PersonParams>;

export const ChangeReply = Type.Object({
  rulesVersion: Type.Integer({ description: "The patient's rules version after the request" }),
  changed: Type.Boolean({ description: "false when the rule was already so (the version did not change)" }),
});

export const DateTime = Type.String({ format: "date-time" });

export const ActorHeaders = Type.Object({
  "x-opendsp-actor": Type.Optional(Type.String({ description: "base64url of the acting party's JSON; set by the gateway after authentication" })),
});
