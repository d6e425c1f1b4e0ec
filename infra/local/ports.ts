// Ports of the local stack: a busy port is a message that says what to change, not a stack trace.

import type http from "node:http";
import net, { type AddressInfo } from "node:net";

export class PortInUseError extends Error {
  constructor(
    readonly service: string,
    readonly port: number,
  ) {
    super(
      `${service}: port ${port} on 127.0.0.1 is already in use. ` +
        `Stop whatever is listening there (is another \`npm start\` running?) or choose another port ` +
        `(npm start -- --port <n> --http-port <n> --cognito-port <n>).`,
    );
    this.name = "PortInUseError";
  }
}

/** A port that was free a moment ago (listen on 0, read, close). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === "object") resolve(address.port);
        else reject(new Error("could not read the port of a listening socket"));
      });
    });
  });
}

/**
 * Listen on `host:port` (0: a free port) and resolve with the port bound; a busy port rejects with
 * PortInUseError naming `service`.
 */
export function listenOn(server: http.Server, service: string, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(err.code === "EADDRINUSE" ? new PortInUseError(service, port) : err);
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stop listening and drop kept-alive connections, so the process can exit. */
export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
