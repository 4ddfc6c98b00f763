import { useEffect, useRef } from 'react';
import { commandForKey, type MailCommand } from '../model/keyboard-commands';

/** Runs `onCommand` for mail shortcuts typed anywhere but in form fields. */
export function useKeyboardShortcuts(onCommand: (command: MailCommand) => void, enabled = true): void {
  const latest = useRef(onCommand);
  latest.current = onCommand;
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      const command = commandForKey(event);
      if (!command) return;
      event.preventDefault();
      latest.current(command);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
}
