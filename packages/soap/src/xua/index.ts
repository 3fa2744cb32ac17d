// Public API of XUA (IHE ITI-40): verify the SAML 2.0 assertion of a request's wsse:Security header, mint one, send one.
export { createXuaVerifier, verifyXuaAssertion, DEFAULT_XUA_CLOCK_SKEW_SECONDS, type VerifyXuaAssertionOptions, type XuaVerifier, type XuaVerifierOptions } from "./verify-xua-assertion.js";
export { mintXuaAssertion, type MintXuaAssertionOptions } from "./mint-xua-assertion.js";
export { withXuaAssertion, xuaSecurityHeader } from "./xua-security.header.js";
export { EMERGENCY_PURPOSE_OF_USE, isEmergencyAccess, type XuaCode, type XuaIdentity } from "./xua-identity.js";
export { XuaError, type XuaErrorCode } from "./xua-error.js";
export { XUA_ATTRIBUTE, XUA_NS } from "./xua-names.js";
export {
  DEVELOPMENT_IDP_AUDIENCE,
  DEVELOPMENT_IDP_FILES,
  DEVELOPMENT_IDP_ISSUER,
  ensureDevelopmentIdentityProvider,
  loadDevelopmentIdentityProvider,
  type DevelopmentIdentityProvider,
  type EnsureDevelopmentIdentityProviderOptions,
} from "./development-identity-provider.js";
export { DevelopmentIdentityProviderError, type DevelopmentIdentityProviderErrorCode } from "./development-identity-provider-error.js";
