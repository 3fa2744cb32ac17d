/** Why the development identity provider's files could not be used. */
export type DevelopmentIdentityProviderErrorCode =
  /** The folder holds no identity provider (the platform was never started on this data folder). */
  | "DEV_IDP_MISSING"
  /** The files are there but unreadable or inconsistent (a key that is not PEM, a description that is not JSON). */
  | "DEV_IDP_INVALID";

export class DevelopmentIdentityProviderError extends Error {
  override readonly name = "DevelopmentIdentityProviderError";
  readonly code: DevelopmentIdentityProviderErrorCode;

  constructor(code: DevelopmentIdentityProviderErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
