import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { MailCommand } from '../model/keyboard-commands';
import { useKeyboardShortcuts } from './use-keyboard-shortcuts';

function Harness({ onCommand }: { onCommand: (c: MailCommand) => void }) {
  useKeyboardShortcuts(onCommand);
  return <input aria-label="search" />;
}

describe('useKeyboardShortcuts', () => {
  it('runs commands for keys typed on the page but not inside an input', async () => {
    const onCommand = vi.fn();
    const { getByLabelText } = render(<Harness onCommand={onCommand} />);
    const user = userEvent.setup();
    await user.keyboard('jk#e');
    expect(onCommand.mock.calls.map((c) => c[0])).toEqual(['next', 'previous', 'delete', 'archive']);
    onCommand.mockClear();
    await user.click(getByLabelText('search'));
    await user.keyboard('jke');
    expect(onCommand).not.toHaveBeenCalled();
  });
});
