// ✓ sent, ✓✓ delivered, ✓✓ (coloured) read, a clock while sending, red when failed.
import { ticksLabel, type Ticks } from '../model/delivery-ticks';

export function DeliveryTicks({ ticks }: { ticks: Ticks }) {
  const label = ticksLabel(ticks);
  const glyph = ticks.kind === 'pending' ? '🕓' : ticks.kind === 'sent' ? '✓' : ticks.kind === 'failed' ? '!' : '✓✓';
  return (
    <span className={`ticks ticks-${ticks.kind}`} data-ticks={ticks.kind} title={label} aria-label={label} role="img">
      {ticks.kind === 'pending' ? <ClockGlyph /> : glyph}
    </span>
  );
}

// An SVG clock: emoji fonts are missing on many servers' browsers.
function ClockGlyph() {
  return (
    <svg width="12" height="12" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
      <circle cx="12" cy="12" r="9" />
      <path d="M12 7v5l3 2" />
    </svg>
  );
}
