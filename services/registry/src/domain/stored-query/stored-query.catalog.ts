import { findDocumentsByReferenceIdQuery } from "./find-documents-by-reference-id.query.js";
import { findDocumentsQuery } from "./find-documents.query.js";
import { findFoldersQuery } from "./find-folders.query.js";
import { findSubmissionSetsQuery } from "./find-submission-sets.query.js";
import { getAllQuery } from "./get-all.query.js";
import { getAssociationsQuery } from "./get-associations.query.js";
import { getDocumentsAndAssociationsQuery } from "./get-documents-and-associations.query.js";
import { getDocumentsQuery } from "./get-documents.query.js";
import { getFolderAndContentsQuery } from "./get-folder-and-contents.query.js";
import { getFoldersForDocumentQuery } from "./get-folders-for-document.query.js";
import { getFoldersQuery } from "./get-folders.query.js";
import { getRelatedDocumentsQuery } from "./get-related-documents.query.js";
import { getSubmissionSetAndContentsQuery } from "./get-submission-set-and-contents.query.js";
import { getSubmissionSetsQuery } from "./get-submission-sets.query.js";
import type { StoredQueryDefinition } from "./stored-query.definition.js";

/** The Registry Stored Queries this registry answers, by query id (ITI TF-2a 3.18.4.1.2.3.7). */
export const STORED_QUERIES: ReadonlyMap<string, StoredQueryDefinition> = new Map(
  [
    findDocumentsQuery,
    findSubmissionSetsQuery,
    findFoldersQuery,
    getAllQuery,
    getDocumentsQuery,
    getFoldersQuery,
    getAssociationsQuery,
    getDocumentsAndAssociationsQuery,
    getSubmissionSetsQuery,
    getSubmissionSetAndContentsQuery,
    getFolderAndContentsQuery,
    getFoldersForDocumentQuery,
    getRelatedDocumentsQuery,
    findDocumentsByReferenceIdQuery,
  ].map((q) => [q.id, q]),
);
