import { describe, expect, it } from 'vitest';
import { commandForKey } from './keyboard-commands';

function key(k: string, target: EventTarget | null = document.body, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) {
  return commandForKey({ key: k, target, ctrlKey: false, metaKey: false, altKey: false, ...mods });
}

describe('keyboard commands', () => {
  it('maps the mail shortcuts', () => {
    expect(key('j')).toBe('next');
    expect(key('k')).toBe('previous');
    expect(key('Enter')).toBe('open');
    expect(key('e')).toBe('archive');
    expect(key('#')).toBe('delete');
    expect(key('s')).toBe('star');
    expect(key('U')).toBe('markUnread');
    expect(key('c')).toBe('compose');
    expect(key('Escape')).toBe('back');
    expect(key('x')).toBeNull();
  });

  it('leaves typing in form fields alone', () => {
    for (const tag of ['input', 'textarea', 'select']) {
      expect(key('j', document.createElement(tag))).toBeNull();
    }
    const editable = document.createElement('div');
    editable.contentEditable = 'true';
    document.body.append(editable);
    // jsdom does not implement isContentEditable; emulate what browsers report.
    Object.defineProperty(editable, 'isContentEditable', { value: true });
    expect(key('e', editable)).toBeNull();
    editable.remove();
  });

  it('leaves browser shortcuts alone', () => {
    expect(key('k', document.body, { ctrlKey: true })).toBeNull();
    expect(key('e', document.body, { metaKey: true })).toBeNull();
    expect(key('j', document.body, { altKey: true })).toBeNull();
  });

  it('lets Enter press a focused button instead of opening a thread', () => {
    const button = document.createElement('button');
    expect(key('Enter', button)).toBeNull();
    expect(key('e', button)).toBe('archive');
  });
});
