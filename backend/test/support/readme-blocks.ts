// Reads the README's fenced code blocks in order, with the directive an HTML
// comment just above a block gives the README test (invisible when rendered):
//   <!-- readme-test: skip <why> -->              not run; the reason is kept
//   <!-- readme-test: restart KEY=value ... -->   restart the server with these
//                                                  settings before this block
export interface ReadmeBlock {
  /** 1-based line of the opening fence */
  line: number;
  lang: string;
  code: string;
  skip?: string;
  restartEnv?: Record<string, string>;
}

const FENCE = /^```(\w*)\s*$/;
const DIRECTIVE = /^<!--\s*readme-test:\s*(skip|restart)\s*(.*?)\s*-->\s*$/;

export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  let directive: { kind: string; arg: string } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const d = DIRECTIVE.exec(line);
    if (d) {
      directive = { kind: d[1] ?? '', arg: d[2] ?? '' };
      continue;
    }
    const open = FENCE.exec(line);
    if (!open) {
      if (line.trim() !== '') directive = undefined;
      continue;
    }
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '');
    blocks.push({ line: start + 1, lang: open[1] ?? '', code: body.join('\n'), ...directiveFields(directive) });
    directive = undefined;
  }
  return blocks;
}

function directiveFields(directive: { kind: string; arg: string } | undefined): Partial<ReadmeBlock> {
  if (!directive) return {};
  if (directive.kind === 'skip') {
    if (!directive.arg) throw new Error('readme-test: skip needs a reason');
    return { skip: directive.arg };
  }
  const restartEnv: Record<string, string> = {};
  for (const pair of directive.arg.split(/\s+/).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new Error(`readme-test: restart takes KEY=value pairs, not ${pair}`);
    restartEnv[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { restartEnv };
}
