// Read receipts (RFC 8098) by mail, both off until the user turns them on:
// asking outside recipients for one, and answering other people's requests.
// Read ticks between users of this server need neither.
import type { ChatSettingsDto } from '@contracts/api';
import { useEffect, useState } from 'react';
import { useToast } from '../../../components/toast';
import { errorMessage } from '../../../lib/api-error';
import { fetchChatSettings, saveChatSettings } from '../api/chat-api';

export function ChatSettingsPanel() {
  const toast = useToast();
  const [settings, setSettings] = useState<ChatSettingsDto | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    fetchChatSettings(controller.signal).then(setSettings, () => undefined);
    return () => controller.abort();
  }, []);
  if (!settings) return null;

  function change(patch: Partial<ChatSettingsDto>) {
    const before = settings;
    setSettings((s) => (s ? { ...s, ...patch } : s));
    saveChatSettings(patch).then(setSettings, (e) => {
      setSettings(before);
      toast.show(errorMessage(e), 'error');
    });
  }

  return (
    <section className="settings-list" aria-label="Read receipts">
      <strong>Read receipts by mail</strong>
      <label>
        <input type="checkbox" checked={settings.requestReadReceipts} onChange={(e) => change({ requestReadReceipts: e.target.checked })} />
        <span>Ask people outside this server for a read receipt when I write to them</span>
      </label>
      <label>
        <input type="checkbox" checked={settings.sendReadReceipts} onChange={(e) => change({ sendReadReceipts: e.target.checked })} />
        <span>Send a read receipt when someone asks for one and I open their message</span>
      </label>
      <span className="muted">People on this server see when you have read their messages, as in any chat.</span>
    </section>
  );
}
