/**
 * Records a call in the agent's console. The audio goes browser to browser, so the console is the
 * one place that hears both sides: it mixes the microphone and the visitor's track with Web Audio
 * and records the mix with MediaRecorder (WebM/Opus). Every slice is uploaded at once, numbered,
 * so a closed tab loses at most one slice; `stop` sends the last slice and finishes the recording,
 * which the server then keeps as an attachment of the conversation.
 */
import { ApiError, request, uploadBytes } from '../api/http.ts';

const TYPE = 'audio/webm;codecs=opus';
/** How often a slice is cut and uploaded (ms): the most a closed tab loses. */
const SLICE_MS = 2000;
const RETRIES = 3;

export type RecordingState = 'on' | 'failed';

/** Whether this browser can record a call (MediaRecorder with WebM/Opus). */
export const canRecord = (): boolean =>
  typeof MediaRecorder !== 'undefined' && MediaRecorder.isTypeSupported(TYPE);

export class CallRecorder {
  private readonly ctx = new AudioContext();
  private readonly recorder: MediaRecorder;
  private seq = 0;
  private uploads: Promise<void> = Promise.resolve();
  private failed = false;
  private stopped = false;

  constructor(
    private readonly callId: string,
    local: MediaStream,
    remote: MediaStream,
    private readonly onState: (state: RecordingState) => void,
  ) {
    const mix = this.ctx.createMediaStreamDestination();
    for (const stream of [local, remote])
      if (stream.getAudioTracks().length > 0) this.ctx.createMediaStreamSource(stream).connect(mix);
    this.recorder = new MediaRecorder(mix.stream, { mimeType: TYPE, audioBitsPerSecond: 32_000 });
    this.recorder.ondataavailable = (e) => {
      if (e.data.size > 0 && !this.failed) this.enqueue(e.data);
    };
    this.recorder.start(SLICE_MS);
    onState('on');
  }

  private enqueue(slice: Blob): void {
    const seq = this.seq++;
    this.uploads = this.uploads.then(() => this.upload(seq, slice));
  }

  private async upload(seq: number, slice: Blob): Promise<void> {
    if (this.failed) return;
    const path = `/api/v1/calls/${encodeURIComponent(this.callId)}/recording/chunks?seq=${seq}`;
    for (let attempt = 0; ; attempt++) {
      try {
        await uploadBytes(path, slice, { 'content-type': TYPE });
        return;
      } catch (err) {
        // Refused (not recorded, too large, finished): give up; a network fault or 5xx: try again.
        const final = err instanceof ApiError && err.status < 500 && err.status !== 429;
        if (final || attempt >= RETRIES) {
          this.fail();
          return;
        }
        await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
      }
    }
  }

  private fail(): void {
    this.failed = true;
    if (this.recorder.state !== 'inactive') this.recorder.stop();
    this.onState('failed');
  }

  /** Cuts the last slice, uploads what is left and finishes the recording. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.recorder.state !== 'inactive') {
      const last = new Promise<void>((resolve) => this.recorder.addEventListener('stop', () => resolve()));
      this.recorder.stop();
      await last;
    }
    await this.uploads;
    void this.ctx.close().catch(() => {});
    if (this.seq === 0) return;
    await request('POST', `/api/v1/calls/${encodeURIComponent(this.callId)}/recording/finish`).catch(
      () => {},
    );
  }
}
