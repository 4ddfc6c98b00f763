import { describe, expect, it } from 'vitest';
import { toastReducer, type Toast, type ToastAction } from './toast-state';

const show = (id: number, text: string, key: string | null = null): ToastAction => ({
  type: 'show', id, tone: 'info', key, textFor: (n) => (n === 1 ? text : `${n} new messages`),
});

function run(actions: ToastAction[]): Toast[] {
  return actions.reduce<Toast[]>(toastReducer, []);
}

describe('toast state', () => {
  it('collapses a burst of keyed notices into one toast that counts them', () => {
    const toasts = run([1, 2, 3, 4, 5].map((i) => show(i, `New mail from P${i}`, 'new-mail')));
    expect(toasts).toHaveLength(1);
    expect(toasts[0]).toMatchObject({ id: 5, text: '5 new messages', count: 5 });
  });

  it('says who it is from while there is only one', () => {
    expect(run([show(1, 'New mail from Ann', 'new-mail')])[0]!.text).toBe('New mail from Ann');
  });

  it('starts counting again once the keyed toast has gone', () => {
    const toasts = run([show(1, 'a', 'new-mail'), show(2, 'b', 'new-mail'), { type: 'expire', id: 2 }, show(3, 'New mail from C', 'new-mail')]);
    expect(toasts.map((t) => t.text)).toEqual(['New mail from C']);
  });

  it('keeps the replaced toast alive: the timer of its previous id expires nothing', () => {
    const toasts = run([show(1, 'a', 'new-mail'), show(2, 'b', 'new-mail'), { type: 'expire', id: 1 }]);
    expect(toasts.map((t) => t.text)).toEqual(['2 new messages']);
  });

  it('stacks unkeyed toasts, at most three, the newest last', () => {
    const toasts = run([show(1, 'one'), show(2, 'two'), show(3, 'three'), show(4, 'four')]);
    expect(toasts.map((t) => t.text)).toEqual(['two', 'three', 'four']);
  });

  it('keeps other toasts beside the keyed one and moves the keyed one to the end', () => {
    const toasts = run([show(1, 'New mail from A', 'new-mail'), show(2, 'Moved to Archive'), show(3, 'x', 'new-mail')]);
    expect(toasts.map((t) => t.text)).toEqual(['Moved to Archive', '2 new messages']);
  });
});
