// libmime ships no types; only what ChitBox uses is declared.
declare module 'libmime' {
  const libmime: { decodeWords(value: string): string };
  export default libmime;
}
