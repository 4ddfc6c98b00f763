// html-to-text (mailparser's own HTML -> text converter) ships no types; only what ChitBox uses is declared.
declare module 'html-to-text' {
  export function htmlToText(html: string, options?: Record<string, unknown>): string;
}
