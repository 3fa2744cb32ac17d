import {
  ACTION,
  RESPONSE_STATUS,
  parseRegistryResponse,
  writeProvideAndRegisterRequest,
  type ProvideAndRegisterDocumentSetRequest,
  type RegistryError,
} from "@opendsp/ebxml";
import type { MtomAttachmentSource } from "@opendsp/soap";
import { UnexpectedAnswerError, XdsTransactionError } from "../errors/platform-errors.js";
import { exchangeMtom } from "./mtom-exchange.js";

export interface ProvideAndRegisterCall {
  readonly repositoryUrl: string;
  readonly request: ProvideAndRegisterDocumentSetRequest;
  /** One per xop:Include of the request, streamed from its source while the request is sent. */
  readonly attachments: readonly MtomAttachmentSource[];
  readonly idleTimeoutMs: number;
  readonly signal?: AbortSignal;
  /** The user's XUA assertion for the wsse:Security header. */
  readonly assertion?: string;
}

/**
 * ITI-41 Provide and Register Document Set-b (ITI TF-2b 3.41), as MTOM/XOP with each document an attachment.
 * Resolves with the warnings of a Success; any other status is an XdsTransactionError carrying every
 * RegistryError the repository (or the registry behind it) gave.
 */
export async function provideAndRegister(call: ProvideAndRegisterCall): Promise<{ warnings: readonly RegistryError[] }> {
  const exchange = await exchangeMtom({
    url: call.repositoryUrl,
    action: ACTION.iti41.request,
    responseAction: ACTION.iti41.response,
    body: writeProvideAndRegisterRequest(call.request),
    attachments: call.attachments,
    idleTimeoutMs: call.idleTimeoutMs,
    ...(call.signal === undefined ? {} : { signal: call.signal }),
    ...(call.assertion === undefined ? {} : { assertion: call.assertion }),
  });
  try {
    await exchange.http.drain();
  } finally {
    exchange.close();
  }
  const parsed = parseRegistryResponse(exchange.envelope.body);
  if (!parsed.ok) {
    throw new UnexpectedAnswerError(`the repository's answer to ITI-41 is not a RegistryResponse: ${parsed.errors.map((e) => e.codeContext).join("; ")}`);
  }
  const response = parsed.value;
  if (response.status !== RESPONSE_STATUS.success) throw new XdsTransactionError("ITI-41", "repository", response.status, response.errors);
  return { warnings: response.errors };
}
