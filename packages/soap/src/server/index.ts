export {
  SECURITY_VERIFIED_HEADER,
  dispatchSoapRequest,
  type SoapHttpHeaders,
  type SoapHttpResponse,
  type SoapOperation,
  type SoapReply,
  type SoapRequest,
} from "./soap-dispatch.js";
