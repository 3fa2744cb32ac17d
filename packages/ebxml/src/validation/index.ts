export * from "./formats.js";
export {
  validateSubmission,
  defaultMetadataError,
  type ValidateSubmissionOptions,
  type SubmissionValidation,
  type Transaction,
} from "./validate-submission.js";
export { validateProvideAndRegister, type ValidateProvideAndRegisterOptions } from "./validate-provide-and-register.js";
