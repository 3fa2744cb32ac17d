export { callSoap, type CallSoapOptions } from "./soap-client.js";
export { SoapClientError, type SoapClientErrorCode } from "./soap-client-error.js";
export { checkSoapReply, soapHttpError, type SoapReplyContext } from "./soap-reply.js";
