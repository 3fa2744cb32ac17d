import Type, { type Static } from "typebox";

/**
 * The party a request acts for, established by the gateway after authentication and passed in the
 * X-OpenDSP-Actor header (base64url JSON) or in the body of a decision request. Strict: unknown fields are refused,
 * so a misspelt field never silently drops a restriction.
 */
export const ActorSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal("patient"), Type.Literal("representative"), Type.Literal("professional"), Type.Literal("system")]),
    id: Type.String({ minLength: 1, maxLength: 256 }),
    roles: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 32 })),
    organizationId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    purposeOfUse: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    patientId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  },
  { additionalProperties: false },
);

export type Actor = Static<typeof ActorSchema>;
export type ActorKind = Actor["kind"];

/** The purpose of use that asks for break-the-glass access (the XUA PurposeOfUse code used by the gateway). */
export const EMERGENCY_PURPOSE_OF_USE = "EMERGENCY";
