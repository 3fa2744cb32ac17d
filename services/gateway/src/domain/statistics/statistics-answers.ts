import Type, { type Static } from "typebox";

/*
 * The answers the gateway combines into its public statistics, as the services describe them in openapi/
 * (registry-admin.json GET /api/stats, consent.json GET /internal/statistics). Only the fields used are required;
 * the gateway checks each answer before it publishes anything from it.
 */

const Count = Type.Integer({ minimum: 0 });

export const RegistryStatistics = Type.Object({
  generatedAt: Type.String(),
  categories: Type.Array(Type.String({ pattern: "^[a-z-]+$" })),
  months: Type.Array(
    Type.Object({
      month: Type.String({ pattern: "^[0-9]{4}-(0[1-9]|1[0-2])$" }),
      documents: Type.Record(Type.String(), Count),
      totalDocuments: Count,
      newRecordsWithDocuments: Count,
      recordsWithDocuments: Count,
    }),
  ),
  recordsWithDocuments: Count,
  totalDocuments: Count,
});
export type RegistryStatistics = Static<typeof RegistryStatistics>;

export const ConsentStatistics = Type.Object({
  generatedAt: Type.String(),
  professionalsDeclared: Count,
  trustCircleProfessionals: Count,
  patientsWithTrustCircle: Count,
  referringDoctors: Count,
  patientsWithReferringDoctor: Count,
});
export type ConsentStatistics = Static<typeof ConsentStatistics>;
