import { xdsError, xdsWarning, type XdsError } from "./xds-error.js";
import type { XdsErrorCode } from "./vocabulary.js";

/**
 * Collects every problem met while reading or validating a message, so that a sender gets all of them in one
 * answer (ITI TF-3 4.2.4: the RegistryErrorList lists each error with its location).
 */
export class Problems {
  readonly list: XdsError[] = [];
  /** XDSRegistryMetadataError for a registry, XDSRepositoryMetadataError when the repository reads ITI-41. */
  readonly metadataError: XdsErrorCode;

  constructor(metadataError: XdsErrorCode = "XDSRegistryMetadataError") {
    this.metadataError = metadataError;
  }

  error(location: string, codeContext: string, errorCode: XdsErrorCode = this.metadataError): void {
    this.list.push(xdsError(errorCode, codeContext, location));
  }

  warning(location: string, codeContext: string, errorCode: XdsErrorCode = this.metadataError): void {
    this.list.push(xdsWarning(errorCode, codeContext, location));
  }
}
