export { parseSoapEnvelope, type ParseSoapEnvelopeOptions, type SoapEnvelope } from "./soap-envelope.js";
export {
  WSA_ANONYMOUS,
  WSA_NONE,
  isProcessedAddressingHeader,
  newMessageId,
  readAddressing,
  requireAddressing,
  responseAddressingHeaders,
  type AddressingProblem,
  type RequireAddressingOptions,
  type ResponseAddressingOptions,
  type WsAddressing,
} from "./ws-addressing.js";
export {
  buildSoapEnvelope,
  buildSoapRequest,
  buildSoapResponse,
  serializeSoapEnvelope,
  serializeSoapEnvelopeUtf8,
  type SoapEnvelopeParts,
  type SoapRequestOptions,
  type SoapResponseOptions,
} from "./build-envelope.js";
export {
  FAULT_ACTION,
  GENERIC_FAULT_REASON,
  buildSoapFault,
  buildSoapFaultEnvelope,
  httpStatusForFault,
  parseSoapFault,
  soapFaultFromError,
  soapFaultResponse,
  type SoapFaultInfo,
  type SoapFaultOptions,
} from "./soap-fault.js";
export { SoapFaultError, type SoapFaultErrorOptions } from "./soap-fault-error.js";
export { SOAP_ROLE, type QName } from "./soap-names.js";
