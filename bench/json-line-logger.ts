// Bench only, not shipped: the decision log line without Powertools Logger, to show what
// Powertools costs per line. Same JSON shape as Powertools' default formatter for our line (level, message,
// timestamp, service, sampling_rate, then the fields; undefined fields dropped by JSON.stringify),
// one synchronous write per line to stdout, as Powertools' own Console does.

type Fields = Readonly<Record<string, unknown>>;

export class JsonLineLogger {
  constructor(
    private readonly service: string,
    private readonly write: (line: string) => void = (line) => void process.stdout.write(line),
  ) {}

  /** At this logger's level (INFO), as at Powertools' default: nothing is written. */
  debug(): void {}

  info(message: string, fields: Fields): void {
    this.line("INFO", message, fields);
  }

  warn(message: string, fields: Fields): void {
    this.line("WARN", message, fields);
  }

  private line(level: "INFO" | "WARN", message: string, fields: Fields): void {
    const record = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service: this.service,
      sampling_rate: 0,
    };
    this.write(`${JSON.stringify(Object.assign(record, fields))}\n`);
  }
}
