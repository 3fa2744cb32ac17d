import type { Kysely, Transaction } from "kysely";
import type { RegistryDatabase } from "../registry-database.js";

/**
 * The shapes stored queries (ITI-18) hand to the registry's read side: what to match, never how. Every property
 * left undefined does not filter. Times are the 14-digit keys of dtm-key.ts.
 */

/** The registry database or a transaction on it: a stored query reads inside the transaction of its audit row. */
export type QueryDb = Kysely<RegistryDatabase> | Transaction<RegistryDatabase>;

/** A coded value matched on both code and coding scheme (ITI TF-2a 3.18.4.1.2.3.5). */
export interface CodeMatch {
  readonly code: string;
  readonly scheme: string;
}

/**
 * AND/OR semantics of multi-valued code parameters (ITI TF-2a 3.18.4.1.2.3.5): the values of one Slot are OR-ed,
 * several Slots of the same name are AND-ed. One group per Slot.
 */
export type CodeGroups = readonly (readonly CodeMatch[])[];

/** A time range on a 14-digit key: from inclusive, to exclusive (ITI TF-2a 3.18.4.1.2.3.7.1). */
export interface TimeRange {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

export interface DocumentEntryFilter {
  readonly patientId?: string | undefined;
  readonly statuses?: readonly string[] | undefined;
  /** objectType UUIDs (stable / on-demand). */
  readonly objectTypes?: readonly string[] | undefined;
  readonly entryUuids?: readonly string[] | undefined;
  readonly uniqueIds?: readonly string[] | undefined;
  readonly logicalIds?: readonly string[] | undefined;
  readonly classCodes?: readonly CodeMatch[] | undefined;
  readonly typeCodes?: readonly CodeMatch[] | undefined;
  readonly practiceSettingCodes?: readonly CodeMatch[] | undefined;
  readonly healthcareFacilityTypeCodes?: readonly CodeMatch[] | undefined;
  readonly formatCodes?: readonly CodeMatch[] | undefined;
  readonly eventCodes?: CodeGroups | undefined;
  readonly confidentialityCodes?: CodeGroups | undefined;
  readonly creationTime?: TimeRange | undefined;
  readonly serviceStartTime?: TimeRange | undefined;
  readonly serviceStopTime?: TimeRange | undefined;
  /** SQL LIKE patterns on authorPerson, OR-ed, case-sensitive (ITI TF-2a 3.18.4.1.2.3.3). */
  readonly authorPersons?: readonly string[] | undefined;
  /** referenceIdList values: OR within a group, groups AND-ed. */
  readonly referenceIds?: readonly (readonly string[])[] | undefined;
  /** Only entries that are the target of a HasMember association from one of these packages (SubmissionSet or Folder). */
  readonly memberOf?: readonly string[] | undefined;
}

export interface SubmissionSetFilter {
  readonly patientId?: string | undefined;
  readonly statuses?: readonly string[] | undefined;
  readonly entryUuids?: readonly string[] | undefined;
  readonly uniqueIds?: readonly string[] | undefined;
  readonly sourceIds?: readonly string[] | undefined;
  readonly submissionTime?: TimeRange | undefined;
  readonly authorPersons?: readonly string[] | undefined;
  readonly contentTypes?: readonly CodeMatch[] | undefined;
}

export interface FolderFilter {
  readonly patientId?: string | undefined;
  readonly statuses?: readonly string[] | undefined;
  readonly entryUuids?: readonly string[] | undefined;
  readonly uniqueIds?: readonly string[] | undefined;
  readonly logicalIds?: readonly string[] | undefined;
  readonly lastUpdateTime?: TimeRange | undefined;
  readonly codes?: CodeGroups | undefined;
  /** Only folders that are the target of a HasMember association from one of these submission sets. */
  readonly memberOf?: readonly string[] | undefined;
  /** Only folders that are the source of a HasMember association to one of these document entries. */
  readonly containing?: readonly string[] | undefined;
}

export interface AssociationFilter {
  /** Associations whose source or target is one of these objects. */
  readonly sourceOrTarget?: readonly string[] | undefined;
  readonly sources?: readonly string[] | undefined;
  readonly targets?: readonly string[] | undefined;
  /** associationType URNs. */
  readonly types?: readonly string[] | undefined;
  /** Only associations whose source is a submission set (GetSubmissionSets). */
  readonly fromSubmissionSet?: boolean | undefined;
}

/** A matching registry object: its id and the patient it belongs to (XDSResultNotSinglePatient). */
export interface PatientObjectMatch {
  readonly entryUuid: string;
  readonly patientId: string;
  /** The object's LeafClass columns, when the finder was asked to read them in the same statement. */
  readonly leaf?: LeafColumns;
}

/** What a LeafClass answer needs of a row: the XML stored at registration, or the JSON view when there is none. */
export interface LeafColumns {
  readonly status: string;
  readonly leaf_xml: string | null;
  readonly metadata: unknown;
}

export interface AssociationMatch {
  readonly entryUuid: string;
  readonly associationType: string;
  readonly sourceUuid: string;
  readonly targetUuid: string;
}

export type { AccessRestriction } from "@opendsp/platform";
import type { AccessRestriction } from "@opendsp/platform";

/** Where a finder reads and what it may show: `access` undefined means no restriction. */
export interface QueryReader {
  readonly db: QueryDb;
  readonly access: AccessRestriction | undefined;
}
