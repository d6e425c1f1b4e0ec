// Ports of the local stack: a busy port is a message that says what to change, not a stack trace.

import net from "node:net";

export class PortInUseError extends Error {
  constructor(
    readonly service: string,
    readonly port: number,
  ) {
    super(
      `${service}: port ${port} on 127.0.0.1 is already in use. ` +
        `Stop whatever is listening there (is another \`npm start\` running?) or choose another port ` +
        `(npm start -- --port <n> --cognito-port <n>).`,
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
