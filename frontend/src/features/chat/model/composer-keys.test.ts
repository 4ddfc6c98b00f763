import { describe, expect, it } from 'vitest';
import { composerKeyAction, type ComposerKey } from './composer-keys';

const key = (over: Partial<ComposerKey>): ComposerKey => ({
  key: 'Enter', shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, isComposing: false, ...over,
});

describe('composerKeyAction', () => {
  it('Enter sends, Shift+Enter is a new line, Ctrl/Cmd+Enter sends', () => {
    expect(composerKeyAction(key({}))).toBe('send');
    expect(composerKeyAction(key({ shiftKey: true }))).toBe('newline');
    expect(composerKeyAction(key({ ctrlKey: true }))).toBe('send');
    expect(composerKeyAction(key({ metaKey: true }))).toBe('send');
  });

  it('leaves Enter to an input method that is composing', () => {
    expect(composerKeyAction(key({ isComposing: true }))).toBe('none');
    expect(composerKeyAction(key({ keyCode: 229 }))).toBe('none');
  });

  it('other keys do nothing', () => {
    expect(composerKeyAction(key({ key: 'a' }))).toBe('none');
  });
});
