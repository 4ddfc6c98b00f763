// The fields of a header block read without a parser: for mail mailparser
// refused (header-fallback.ts) and for the parts a plain MIME scan finds
// (mime-scan.ts). Both run on the event loop over hostile bytes, so this is
// linear in the block: /^([^:\s]+)\s*:\s*(.*)$/, which read a line before,
// tried every length of the blanks after the colon when a bare CR followed
// them, quadratic in one line ("X: ", a megabyte of blanks, "x\r").

export interface HeaderField {
  /** as written, not lower-cased */
  name: string;
  /** after the colon, leading white space removed */
  value: string;
}

const NAME = /^([^:\s]+)\s*:/;
const LEADING_SPACE = /^\s+/;
const LINE_BREAK = /[\n\r\u2028\u2029]/;

/**
 * "Name: value", or null when the line is not a field. The same answer as
 * the regex above: a value holding a line break after its first non-blank
 * character makes no field.
 */
export function headerField(line: string): HeaderField | null {
  const m = NAME.exec(line);
  if (!m) return null;
  const value = line.slice(m[0].length).replace(LEADING_SPACE, '');
  return LINE_BREAK.test(value) ? null : { name: m[1]!, value };
}

/** The fields of a header block, unfolded, in order (repeated names repeat). */
export function headerFields(block: string): HeaderField[] {
  const fields: HeaderField[] = [];
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const field = headerField(line);
    if (field) fields.push(field);
  }
  return fields;
}
