/**
 * Checks over a whole lmxendutil output that the parser makes before reading it line by line:
 * each finds its few candidate lines with a native search instead of testing every line.
 */
import { isWhitespaceCode } from "./scan.js";
import { lineAround, lineNumberAt } from "./text.js";

/** A line of the output: 1-based number, offset of its first character, text without `\r\n`. */
export interface OutputLine {
  number: number;
  start: number;
  text: string;
}

const SERVER_ERRORS: readonly RegExp[] = [
  /There are no license server\(s\) available/i,
  /\b(cannot|can not|could not|unable to) connect to (the )?license server/i,
];
const XML_START = /^<(\?xml\b|LM-X\b|LICENSE_PATH\b)/i;

/**
 * The first line saying the license server cannot be reached. Both messages contain
 * "license server", so only lines with that phrase are tested (one case-insensitive search of
 * the output is far cheaper than two regexes per line).
 */
export function findServerErrorLine(output: string): OutputLine | undefined {
  const mention = /license server/gi;
  while (mention.test(output)) {
    const line = lineAround(output, mention.lastIndex - 1);
    if (SERVER_ERRORS.some((re) => re.test(line.text))) return numbered(output, line);
    mention.lastIndex = line.end + 1;
  }
  return undefined;
}

/** The first line that starts (after blanks) an XML document of `lmxendutil -licstatxml`. */
export function findXmlStartLine(output: string): OutputLine | undefined {
  for (let open = output.indexOf("<"); open >= 0; open = output.indexOf("<", open + 1)) {
    if (!opensItsLine(output, open)) continue;
    const line = lineAround(output, open);
    if (XML_START.test(line.text.trim())) return numbered(output, line);
  }
  return undefined;
}

function opensItsLine(output: string, position: number): boolean {
  for (let i = position - 1; i >= 0; i--) {
    const code = output.charCodeAt(i);
    if (code === 10) return true;
    if (!isWhitespaceCode(code)) return false;
  }
  return true;
}

function numbered(output: string, line: { start: number; text: string }): OutputLine {
  return { number: lineNumberAt(output, line.start), start: line.start, text: line.text };
}
