import { ParseError } from "./errors.js";

/**
 * A small, tolerant XML tag scanner for `lmxendutil -licstatxml`: it yields start and end
 * tags with their attributes and line numbers, skips declarations, comments, CDATA and text,
 * and checks that tags nest. It is not a general XML parser (no namespaces, no DTDs).
 */

export interface XmlTag {
  kind: "open" | "close";
  name: string;
  attributes: Map<string, string>;
  /** `<X/>`: an element that opens and closes at once */
  selfClosing: boolean;
  lineNumber: number;
  lineText: string;
}

const NAME = /[A-Za-z_:][\w.:-]*/y;
const SPACE = /\s*/y;

export function scanXmlTags(text: string, startOffset = 0): XmlTag[] {
  const lineStarts = computeLineStarts(text);
  const where = (offset: number): { lineNumber: number; lineText: string } => {
    const index = lineIndexOf(lineStarts, offset);
    const start = lineStarts[index] ?? 0;
    const end = lineStarts[index + 1] ?? text.length + 1;
    return { lineNumber: index + 1, lineText: text.slice(start, end - 1).replace(/\r$/, "") };
  };
  const fail = (message: string, offset: number): never => {
    const { lineNumber, lineText } = where(offset);
    throw new ParseError(message, lineNumber, lineText);
  };

  const tags: XmlTag[] = [];
  const open: XmlTag[] = [];
  let pos = startOffset;
  while (pos < text.length) {
    const lt = text.indexOf("<", pos);
    if (lt < 0) break;
    const skipTo = (terminator: string): void => {
      const end = text.indexOf(terminator, lt);
      if (end < 0) fail(`unterminated ${JSON.stringify(text.slice(lt, lt + 9))}`, lt);
      pos = end + terminator.length;
    };
    if (text.startsWith("<!--", lt)) skipTo("-->");
    else if (text.startsWith("<![CDATA[", lt)) skipTo("]]>");
    else if (text.startsWith("<?", lt)) skipTo("?>");
    else if (text.startsWith("<!", lt)) skipTo(">");
    else {
      const tag = readTag(text, lt, fail, where);
      pos = tag.end;
      tags.push(tag.tag);
      if (tag.tag.kind === "open" && !tag.tag.selfClosing) open.push(tag.tag);
      if (tag.tag.kind === "close") {
        const top = open.pop();
        if (!top) fail(`closing tag </${tag.tag.name}> without an opening tag`, lt);
        else if (top.name !== tag.tag.name) {
          fail(
            `closing tag </${tag.tag.name}> does not match <${top.name}> of line ${top.lineNumber}`,
            lt,
          );
        }
      }
    }
  }
  const unclosed = open.pop();
  if (unclosed) {
    throw new ParseError(
      `element <${unclosed.name}> is never closed (output cut short?)`,
      unclosed.lineNumber,
      unclosed.lineText,
    );
  }
  return tags;
}

function readTag(
  text: string,
  lt: number,
  fail: (message: string, offset: number) => never,
  where: (offset: number) => { lineNumber: number; lineText: string },
): { tag: XmlTag; end: number } {
  const closing = text[lt + 1] === "/";
  let pos = lt + (closing ? 2 : 1);
  const name = matchAt(NAME, text, pos) ?? fail("a tag without a valid name", lt);
  pos += name.length;
  const attributes = new Map<string, string>();
  for (;;) {
    pos += matchAt(SPACE, text, pos)?.length ?? 0;
    if (pos >= text.length) fail(`tag <${name}> is not terminated`, lt);
    if (text[pos] === ">") {
      pos += 1;
      break;
    }
    if (!closing && text.startsWith("/>", pos)) {
      pos += 2;
      return { tag: { kind: "open", name, attributes, selfClosing: true, ...where(lt) }, end: pos };
    }
    if (closing) fail(`unexpected text in closing tag </${name}>`, pos);
    const attribute =
      matchAt(NAME, text, pos) ?? fail(`unexpected character in tag <${name}>`, pos);
    pos += attribute.length;
    pos += matchAt(SPACE, text, pos)?.length ?? 0;
    if (text[pos] !== "=") fail(`attribute ${attribute} of <${name}> has no value`, pos);
    pos += 1;
    pos += matchAt(SPACE, text, pos)?.length ?? 0;
    const quote = text[pos];
    if (quote !== '"' && quote !== "'")
      fail(`attribute ${attribute} of <${name}> is not quoted`, pos);
    const close = text.indexOf(quote ?? '"', pos + 1);
    if (close < 0) fail(`attribute ${attribute} of <${name}> is not terminated`, pos);
    attributes.set(attribute, decodeEntities(text.slice(pos + 1, close)));
    pos = close + 1;
  }
  const kind = closing ? "close" : "open";
  return { tag: { kind, name, attributes, selfClosing: false, ...where(lt) }, end: pos };
}

function matchAt(re: RegExp, text: string, pos: number): string | undefined {
  re.lastIndex = pos;
  const match = re.exec(text);
  return match ? match[0] : undefined;
}

const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-z]+);/g, (whole, body: string) => {
    if (body.startsWith("#x")) return safeCodePoint(Number.parseInt(body.slice(2), 16)) ?? whole;
    if (body.startsWith("#")) return safeCodePoint(Number.parseInt(body.slice(1), 10)) ?? whole;
    return NAMED_ENTITIES[body] ?? whole;
  });
}

function safeCodePoint(code: number): string | undefined {
  return code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i += 1) if (text[i] === "\n") starts.push(i + 1);
  return starts;
}

function lineIndexOf(lineStarts: readonly number[], offset: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((lineStarts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}
