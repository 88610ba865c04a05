/**
 * The agent's choices about being alerted, kept in this browser: sound on or off, and whether they
 * already answered "Not now" to desktop notifications (so the console asks politely, once).
 */
import { useSyncExternalStore } from 'react';

const SOUND_KEY = 'beckon.sound';
const ASKED_KEY = 'beckon.notifications.asked';
const listeners = new Set<() => void>();

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // Not persisted; it still applies until the page is reloaded.
  }
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function soundOn(): boolean {
  return read(SOUND_KEY) !== 'off';
}

export function setSoundOn(on: boolean): void {
  write(SOUND_KEY, on ? 'on' : 'off');
}

export function useSoundOn(): boolean {
  return useSyncExternalStore(subscribe, soundOn);
}

export type NotificationState = 'unsupported' | 'ask' | 'dismissed' | 'granted' | 'denied';

function notificationState(): NotificationState {
  if (typeof Notification === 'undefined') return 'unsupported';
  if (Notification.permission === 'granted') return 'granted';
  if (Notification.permission === 'denied') return 'denied';
  return read(ASKED_KEY) === 'later' ? 'dismissed' : 'ask';
}

/** Whether to offer desktop notifications, and what the browser says about them. */
export function useNotificationState(): NotificationState {
  return useSyncExternalStore(subscribe, notificationState);
}

/** Asks the browser for permission (only ever from a click). */
export async function askNotifications(): Promise<void> {
  if (typeof Notification === 'undefined') return;
  try {
    await Notification.requestPermission();
  } finally {
    for (const l of listeners) l();
  }
}

export function notificationsLater(): void {
  write(ASKED_KEY, 'later');
}
