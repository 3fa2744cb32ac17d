import type { Logger } from "@opendsp/platform";
import type { RequestListener } from "node:http";
import { createServer, type Server } from "node:https";
import type { TLSSocket } from "node:tls";
import type { GatewayTls } from "./tls-material.loader.js";

/**
 * The gateway's HTTPS server with client certificates (ATNA Secure Node, ITI TF-2a 3.19).
 *
 * Under "required" the handshake itself refuses a client with no certificate or one no CA of
 * GATEWAY_TLS_CLIENT_CA_FILE issued. Under "optional" the handshake must let a client without a certificate through,
 * and Node then completes it for any certificate too; such a connection, one whose certificate failed verification
 * (unknown CA, expired, not yet valid), is closed here before a byte of HTTP is read. This is decided at the TLS
 * layer rather than by a SOAP Fault so that one rule holds for every endpoint (SOAP, JSON APIs, health): a caller
 * that shows a certificate is either authenticated by it or not served at all.
 */
export function createGatewayHttpsServer(tls: GatewayTls, handler: RequestListener, logger: Logger): Server {
  const server = createServer(tls.serverOptions, handler);
  // Runs before the HTTP layer takes the connection.
  server.prependListener("secureConnection", (socket: TLSSocket) => {
    // The identity of a connection is settled once: a renegotiation could change the peer certificate under
    // requests already attributed to a system (and client-initiated renegotiation only costs the server CPU).
    socket.disableRenegotiation();
    if (!socket.authorized && socket.getPeerX509Certificate() !== undefined) {
      logger.warn({ remoteAddress: socket.remoteAddress, reason: String(socket.authorizationError) }, "client certificate refused");
      socket.destroy();
    }
  });
  server.on("tlsClientError", (err: NodeJS.ErrnoException) => {
    // Handshakes that fail (no certificate under "required", wrong protocol version, scanners): the reason only.
    logger.info({ code: err.code, reason: err.message }, "tls handshake failed");
  });
  return server;
}
