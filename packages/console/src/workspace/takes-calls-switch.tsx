/** The agent's "Takes calls" switch: off, calls never ring them (chats still come). */
import type { VoiceSettings } from '@beckon/protocol/call-protocol';
import { useEffect, useState } from 'react';
import { request } from '../api/http.ts';
import { useT } from '../i18n/language-context.tsx';

export function TakesCallsSwitch() {
  const t = useT();
  const [settings, setSettings] = useState<VoiceSettings | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    request<VoiceSettings>('GET', '/api/v1/me/voice').then(setSettings, () => {});
  }, []);
  if (!settings) return null;
  const change = async (takesCalls: boolean) => {
    setSaving(true);
    try {
      setSettings(await request<VoiceSettings>('PATCH', '/api/v1/me/voice', { body: { takesCalls } }));
    } catch {
      // The switch shows what the server holds: it stays as it was.
    } finally {
      setSaving(false);
    }
  };
  return (
    <label className="switch" title={t('Calls from visitors ring this console')} data-testid="takes-calls">
      <input
        type="checkbox"
        checked={settings.takesCalls}
        disabled={saving}
        onChange={(e) => void change(e.target.checked)}
      />
      <span className="switch-track" aria-hidden="true" />
      <span>{t('Takes calls')}</span>
    </label>
  );
}
