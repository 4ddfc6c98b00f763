// Inline SVG icons: emoji glyphs depend on fonts the machine may not have
// (headless Chromium on a server shows empty boxes), SVG always renders.
import type { FolderKind } from '@contracts/api';

const PATHS = {
  inbox: 'M4 4h16v16H4z M4 13h4l2 3h4l2-3h4',
  sent: 'M3 11l18-8-8 18-2-8z',
  drafts: 'M4 20h4L19 9l-4-4L4 16z',
  archive: 'M3 4h18v4H3z M5 8v12h14V8 M10 12h4',
  spam: 'M12 3l9 17H3z M12 10v4 M12 17v.5',
  trash: 'M4 7h16 M9 7V4h6v3 M6 7l1 13h10l1-13',
  custom: 'M3 6h7l2 2h9v12H3z',
  clip: 'M16 7l-7.5 7.5a2.1 2.1 0 003 3L19 10a4.2 4.2 0 00-6-6l-8 8a6.4 6.4 0 009 9l6-6',
  compose: 'M4 20h4L19 9l-4-4L4 16z M14 6l4 4',
  image: 'M4 5h16v14H4z M4 16l5-5 4 4 3-3 4 4 M15 9v.5',
  chat: 'M4 5h16v11H9l-5 4z',
  people: 'M9 11a3 3 0 100-6 3 3 0 000 6z M3 20c0-3 3-5 6-5s6 2 6 5 M16 5a3 3 0 010 6 M18 15c2 .5 3 2 3 5',
  plus: 'M12 5v14 M5 12h14',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, label, size = 16 }: { name: IconName; label?: string; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
      role={label ? 'img' : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
    >
      <path d={PATHS[name]} />
    </svg>
  );
}

export function folderIcon(kind: FolderKind): IconName {
  return kind;
}
