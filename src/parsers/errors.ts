/** Base of the errors a parser throws: both name the offending line. */
export abstract class ParserError extends Error {
  /** 1-based line number in the tool output, or 0 when the error is about the whole output */
  readonly lineNumber: number;
  readonly lineText: string;

  constructor(message: string, lineNumber: number, lineText: string) {
    const where = lineNumber > 0 ? ` (line ${lineNumber}: ${JSON.stringify(lineText)})` : "";
    super(`${message}${where}`);
    this.name = new.target.name;
    this.lineNumber = lineNumber;
    this.lineText = lineText;
  }
}

/** The tool's output is not something we understand. Never turned into a count of zero. */
export class ParseError extends ParserError {
  /** further lines that were not understood, as `N: text` */
  readonly unparsedLines: string[];

  constructor(message: string, lineNumber = 0, lineText = "", unparsedLines: string[] = []) {
    super(message, lineNumber, lineText);
    this.unparsedLines = unparsedLines;
  }
}

/** The tool says the license server is down or unreachable: try the next server. */
export class ServerError extends ParserError {
  constructor(message: string, lineNumber = 0, lineText = "") {
    super(message, lineNumber, lineText);
  }
}

/** Registering a parser type twice, or asking for one that does not exist. */
export class ParserRegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ParserRegistryError";
  }
}
