// Dev tooling: a real loopback HTTP server that serves a JWKS, and misbehaves on demand.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Jwk } from "./issuer";

export type JwksMode = "ok" | "500" | "garbage" | "empty" | "hang" | "html";

/** Answers 500, garbage, HTML, an empty key set, hangs or is down on demand; counts its requests. */
export class JwksServer {
  mode: JwksMode = "ok";
  keys: Jwk[];
  requests = 0;
  private portNumber = 0;
  private readonly server: Server;
  private readonly hanging = new Set<ServerResponse>();

  private constructor(keys: Jwk[]) {
    this.keys = keys;
    this.server = createServer((req, res) => this.handle(req, res));
  }

  static async start(keys: Jwk[]): Promise<JwksServer> {
    const s = new JwksServer(keys);
    await new Promise<void>((resolve) => s.server.listen(0, "127.0.0.1", resolve));
    s.portNumber = (s.server.address() as AddressInfo).port;
    return s;
  }

  get port(): number {
    return this.portNumber;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/us-east-1_TestPool1/.well-known/jwks.json`;
  }

  private handle(_req: IncomingMessage, res: ServerResponse): void {
    this.requests += 1;
    switch (this.mode) {
      case "ok":
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: this.keys }));
        return;
      case "500":
        res.writeHead(500).end("internal error");
        return;
      case "garbage":
        res.writeHead(200, { "content-type": "application/json" }).end("{not json");
        return;
      case "html":
        res.writeHead(200, { "content-type": "text/html" }).end("<html>maintenance</html>");
        return;
      case "empty":
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [] }));
        return;
      case "hang":
        this.hanging.add(res);
        return;
    }
  }

  /** Stop listening (the endpoint is "down") but keep the object for a later restart. */
  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Listen again on the same port ("the endpoint is back"). */
  async restart(): Promise<void> {
    const port = this.port;
    await new Promise<void>((resolve) => this.server.listen(port, "127.0.0.1", resolve));
  }
}
