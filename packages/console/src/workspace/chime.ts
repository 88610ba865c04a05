/**
 * The workspace's sounds, synthesised with the Web Audio API (no audio file to fetch, nothing the
 * page's content policy has to allow). Browsers play them once the page has had a click or a key.
 */

let audio: AudioContext | null = null;
/**
 * Suspends the context once the last tune has played. A running context renders silence for as
 * long as the page is open: an audio thread and the browser's audio service kept busy all day.
 */
let rest: ReturnType<typeof setTimeout> | undefined;

/** Notes (Hz) and their length: a rising pair for a new chat, one soft note for a message. */
const TUNES = {
  offer: [
    [660, 0.14],
    [880, 0.22],
  ],
  message: [[740, 0.16]],
} as const;

/** False until the page has had a click or a key: before that a browser refuses to start audio (and says so in the console). */
function mayPlay(): boolean {
  const activation = (navigator as Navigator & { userActivation?: { hasBeenActive: boolean } })
    .userActivation;
  return activation === undefined || activation.hasBeenActive;
}

export function chime(kind: keyof typeof TUNES): void {
  if (!mayPlay()) return;
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') void audio.resume().catch(() => {});
    let at = audio.currentTime + 0.01;
    for (const [frequency, length] of TUNES[kind]) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = 'sine';
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.18, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + length);
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + length + 0.02);
      at += length * 0.8;
    }
    const context = audio;
    clearTimeout(rest);
    rest = setTimeout(() => void context.suspend().catch(() => {}), (at - context.currentTime + 0.25) * 1000);
  } catch {
    // No audio output (or not allowed yet): the visual cues remain.
  }
}
