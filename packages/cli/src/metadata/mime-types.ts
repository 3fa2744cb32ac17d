import { extname } from "node:path";

/** MIME types by file extension, those of the default affinity domain first (codes.xml, CodeType mimeType). */
const BY_EXTENSION: Readonly<Record<string, string>> = {
  ".pdf": "application/pdf",
  ".xml": "text/xml",
  ".cda": "text/xml",
  ".txt": "text/plain",
  ".text": "text/plain",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".dcm": "application/dicom",
  ".dicom": "application/dicom",
  ".json": "application/json",
  ".html": "text/html",
  ".htm": "text/html",
  ".rtf": "text/rtf",
  ".tif": "image/tiff",
  ".tiff": "image/tiff",
  ".gif": "image/gif",
  ".csv": "text/csv",
  ".zip": "application/zip",
};

export const OCTET_STREAM = "application/octet-stream";

/** The MIME type of a file from its extension; application/octet-stream when the extension says nothing. */
export function guessMimeType(fileName: string): string {
  return BY_EXTENSION[extname(fileName).toLowerCase()] ?? OCTET_STREAM;
}
