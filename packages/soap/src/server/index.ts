export {
  dispatchSoapRequest,
  type SoapHttpResponse,
  type SoapOperation,
  type SoapReply,
  type SoapRequest,
} from "./soap-dispatch.js";
