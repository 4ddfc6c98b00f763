// How tall a mail's HTML is, measured without touching the frame. The frame
// has no allow-scripts and no allow-same-origin (srcdoc-builder.ts), so
// nothing inside it can report its height and we cannot read it from outside.
// Instead the same styles and body (already stripped of scripts, handlers,
// javascript: URLs and, unless allowed, remote URLs) are laid out once more
// at the frame's width, in a closed shadow root that is off screen, inert,
// hidden from assistive technology and clipped (contain: paint); the page's
// own CSP forbids inline script in the built app as a further layer. A
// ResizeObserver follows images as they load.
//
// The copy renders like the frame except where the page around it leaks in:
// media queries and rem units answer to the page, not the frame. A frame that
// ends up too short still scrolls; one too tall shows blank space.
import { useLayoutEffect, useState, type RefObject } from 'react';
import type { FrameLayout } from '../model/srcdoc-builder';

/** Room for a horizontal scrollbar when the mail is wider than the frame (a fixed-width newsletter). */
const SCROLLBAR_ALLOWANCE_PX = 16;

export function useContentHeight(layout: FrameLayout | null, width: number | null): number | null {
  const [height, setHeight] = useState<number | null>(null);
  useLayoutEffect(() => {
    if (!layout || !width || typeof ResizeObserver === 'undefined') return;
    const host = document.createElement('div');
    host.setAttribute('aria-hidden', 'true');
    host.inert = true;
    host.dataset.testid = 'mail-measure';
    host.style.cssText =
      `position:absolute;left:-100000px;top:0;width:${width}px;visibility:hidden;pointer-events:none;contain:layout paint style`;
    const root = host.attachShadow({ mode: 'closed' });
    // all:initial: nothing the page's own styles set is inherited, as in the frame's document.
    root.innerHTML = `<style>:host{all:initial;display:block}</style>${layout.styles}`;
    // <html> and <body> elements, so the mail's html/body rules match as they do in the frame.
    const html = document.createElement('html');
    const body = document.createElement('body');
    body.innerHTML = layout.body;
    html.append(body);
    root.append(html);
    document.body.append(host);

    const measure = () => {
      const overflows = html.scrollWidth > width + 1;
      setHeight(Math.ceil(html.getBoundingClientRect().height) + (overflows ? SCROLLBAR_ALLOWANCE_PX : 0));
    };
    const observer = new ResizeObserver(measure);
    observer.observe(html);
    measure();
    return () => {
      observer.disconnect();
      host.remove();
    };
  }, [layout, width]);
  return layout && width ? height : null;
}

/** The content width of an element, kept up to date. */
export function useElementWidth(ref: RefObject<HTMLElement | null>): number | null {
  const [width, setWidth] = useState<number | null>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setWidth(Math.round(el.clientWidth)));
    observer.observe(el);
    setWidth(Math.round(el.clientWidth));
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
