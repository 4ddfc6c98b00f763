import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { PlainTextBody } from './plain-text-body';

describe('PlainTextBody', () => {
  it('renders markup in mail as text and links as safe new-tab anchors', () => {
    const { container } = render(<PlainTextBody text={'<img src=x onerror=alert(1)> visit https://example.com/x\nbye'} />);
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByTestId('plain-text-body').textContent).toBe('<img src=x onerror=alert(1)> visit https://example.com/x\nbye');
    const link = screen.getByRole('link', { name: 'https://example.com/x' });
    expect(link.getAttribute('href')).toBe('https://example.com/x');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toContain('noopener');
  });
});
