import type { RecordingView } from '@beckon/protocol/call-protocol';
import { agentAttachmentPath } from '@beckon/protocol/chat-attachments';
import { type AttachmentStorage, attachmentKey } from '../conversations/attachments/attachment-storage.ts';
import type { ChatAnnouncer } from '../conversations/chat-announcer.ts';
import type { MessageWriter } from '../conversations/message-writer.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Logger } from '../logger.ts';
import type { RecordingRow } from '../store/call-recordings-repo.ts';
import type { CallRow } from '../store/calls-repo.ts';
import type { Store } from '../store/store.ts';
import { spoken } from './call-view.ts';
import type { VoiceConfig } from './voice-config.ts';

/** The first bytes of a WebM (Matroska EBML) file. */
const EBML = [0x1a, 0x45, 0xdf, 0xa3];
export const RECORDING_TYPE = 'audio/webm';
/** A chunk may still come this long after the call ended: the recorder's last slice. */
const LATE_CHUNK_MS = 60_000;
/** A recording with no chunk for this long is finished by the sweep (the console went away). */
export const STALE_RECORDING_MS = 2 * 60_000;

const notFound = () => new AppError(404, 'not_found', 'call not found');
const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/**
 * Call recording. The audio flows browser to browser, so the agent's console mixes both sides and
 * uploads the recording in numbered chunks while the call goes on; each chunk is appended to one
 * file of the attachment storage. Finishing (the console at hang-up, or the sweep when the console
 * went away) makes the file an attachment of the conversation, sent in an internal note: agents
 * who may read the conversation can play it, the visitor cannot fetch it.
 */
export class CallRecorder {
  constructor(
    private readonly store: Store,
    private readonly storage: AttachmentStorage,
    private readonly announcer: ChatAnnouncer,
    private readonly writer: MessageWriter,
    private readonly config: VoiceConfig,
    private readonly log: Logger,
  ) {}

  get chunkMaxBytes(): number {
    return this.config.recordingChunkMaxBytes;
  }

  tooLarge(): AppError {
    return new AppError(
      413,
      'body_too_large',
      `a recording chunk is limited to ${this.config.recordingChunkMaxBytes} bytes and a recording to ${this.config.recordingMaxBytes}`,
    );
  }

  /**
   * The call a chunk is for, checked before its body is read: in the caller's account (else 404),
   * the caller's own (403), recorded by its site (403), of the right type (415) and size (413).
   */
  async admit(
    accountId: string,
    userId: string | undefined,
    callId: string,
    contentType: string | undefined,
    contentLength: number | undefined,
  ): Promise<CallRow> {
    const call = await this.store.calls.get(accountId, callId);
    if (!call) throw notFound();
    if (!userId || call.agent_id !== userId)
      throw new AppError(403, 'not_your_call', 'only the agent on this call records it');
    if (Number(call.recorded) !== 1)
      throw new AppError(403, 'recording_off', 'this site does not record calls');
    if ((contentType ?? '').split(';')[0]!.trim().toLowerCase() !== RECORDING_TYPE)
      throw new AppError(415, 'unsupported_type', `recordings are ${RECORDING_TYPE}`);
    if (contentLength !== undefined && contentLength > this.config.recordingChunkMaxBytes)
      throw this.tooLarge();
    return call;
  }

  /** Appends chunk `seq` of an admitted call's recording; the first one starts the recording. */
  async chunk(
    call: CallRow,
    seq: number,
    bytes: Buffer,
  ): Promise<{ recording: RecordingView; duplicate: boolean }> {
    if (bytes.length === 0) throw new AppError(400, 'empty_chunk', 'the chunk is empty');
    if (bytes.length > this.config.recordingChunkMaxBytes) throw this.tooLarge();
    let rec = await this.store.recordings.forCall(call.account_id, call.id);
    // After a transfer the new agent's console goes on recording: the next leg, in a file of its
    // own. The earlier leg is finished here if its console did not finish it.
    const leg = rec && rec.agent_id !== call.agent_id ? Number(rec.leg) + 1 : rec ? null : 0;
    if (leg !== null) {
      if (seq !== 0) throw new AppError(409, 'out_of_order', 'a recording starts with chunk 0');
      if (call.state !== 'active' && call.state !== 'held')
        throw new AppError(409, 'call_not_connected', 'a recording starts during the call');
      if (!EBML.every((b, i) => bytes[i] === b))
        throw new AppError(415, 'unsupported_type', 'a recording starts with a WebM header');
      if (rec) await this.complete(rec);
      rec = await this.begin(call, leg);
    }
    if (!rec) throw notFound();
    if (rec.status !== 'recording') {
      if (seq < Number(rec.chunks)) return { recording: this.view(rec), duplicate: true };
      throw new AppError(409, 'recording_finished', 'this recording is finished');
    }
    const ended = call.ended_at === null ? null : Number(call.ended_at);
    if (ended !== null && Date.now() - ended > LATE_CHUNK_MS)
      throw new AppError(409, 'recording_finished', 'the call ended');
    const claim = await this.store.recordings.claimChunk(
      rec,
      seq,
      bytes.length,
      this.config.recordingMaxBytes,
    );
    if (claim === 'too_large') throw this.tooLarge();
    if (claim === 'out_of_order')
      throw new AppError(409, 'out_of_order', `expected chunk ${rec.chunks}, got ${seq}`);
    if (claim === 'taken') {
      try {
        await this.storage.append(rec.storage_key, bytes);
      } catch (err) {
        await this.store.recordings.unclaimChunk(rec, seq, bytes.length);
        throw err;
      }
    }
    const fresh = (await this.store.recordings.forCall(call.account_id, call.id)) ?? rec;
    return { recording: this.view(fresh), duplicate: claim === 'duplicate' };
  }

  private async begin(call: CallRow, leg: number): Promise<RecordingRow> {
    const now = Date.now();
    const id = newId('rec');
    const { recording, created } = await this.store.recordings.start({
      id,
      account_id: call.account_id,
      conversation_id: call.conversation_id,
      call_id: call.id,
      leg,
      agent_id: call.agent_id!,
      status: 'recording',
      chunks: 0,
      size: 0,
      storage_key: attachmentKey(call.account_id, id),
      attachment_id: null,
      started_at: now,
      updated_at: now,
      finished_at: null,
    });
    if (created && leg === 0)
      await this.announcer.visitorLine(call.account_id, call.conversation_id, 'recording');
    else if (created) {
      const name = (await this.announcer.agentName(call.account_id, call.agent_id)) ?? 'the new agent';
      await this.announcer.visitorLine(call.account_id, call.conversation_id, 'recordingContinues', { name });
    }
    return recording;
  }

  /** The console's last chunk is in: the recording becomes an attachment of the conversation. */
  async finish(accountId: string, userId: string | undefined, callId: string): Promise<RecordingView> {
    if (!(await this.store.calls.get(accountId, callId))) throw notFound();
    const rec = await this.store.recordings.forCall(accountId, callId);
    if (!rec) throw new AppError(404, 'not_found', 'this call has no recording');
    if (rec.agent_id !== userId)
      throw new AppError(403, 'not_your_call', 'only the agent who recorded this call finishes it');
    await this.complete(rec);
    return this.view((await this.store.recordings.forCall(accountId, callId)) ?? rec);
  }

  /** Finishes recordings whose console stopped sending (a closed tab, a node that died); returns how many. */
  async sweep(now = Date.now()): Promise<number> {
    const stale = await this.store.recordings.stale(now - STALE_RECORDING_MS);
    let done = 0;
    for (const rec of stale) {
      const call = await this.store.calls.get(rec.account_id, rec.call_id);
      // A call still going whose console is quiet may be reconnecting: wait for it to end.
      if (call && call.state !== 'ended') continue;
      if (
        await this.complete(rec).catch((err) => this.log.warn({ err, id: rec.id }, 'recording not finished'))
      )
        done++;
    }
    return done;
  }

  /**
   * Makes the file an agent-side attachment and sends it in a note of the recording agent (notes
   * never reach the visitor). A closed conversation takes no note: the file is kept without one.
   */
  private async complete(rec: RecordingRow): Promise<boolean> {
    if (rec.status !== 'recording') return false;
    const size = Number(rec.size);
    if (size === 0) return this.store.recordings.complete(rec, null);
    const attachmentId = newId('att');
    if (!(await this.store.recordings.complete(rec, attachmentId))) return false;
    const call = await this.store.calls.get(rec.account_id, rec.call_id);
    const started = new Date(Number(rec.started_at)).toISOString().slice(0, 16).replace(/[T:]/g, '-');
    await this.store.attachments.create({
      id: attachmentId,
      account_id: rec.account_id,
      conversation_id: rec.conversation_id,
      side: 'agent',
      uploaded_by: rec.agent_id,
      name: `call-recording-${started}.webm`,
      content_type: RECORDING_TYPE,
      size,
      storage_key: rec.storage_key,
      message_seq: null,
      created_at: Date.now(),
    });
    // The whole call's talk time only when one agent recorded all of it; a leg's own span otherwise.
    const whole = Number(rec.leg) === 0 && call?.agent_id === rec.agent_id && call.talk_ms != null;
    const talk = whole ? Number(call!.talk_ms) : Date.now() - Number(rec.started_at);
    const name = (await this.announcer.agentName(rec.account_id, rec.agent_id)) ?? 'Agent';
    const sent = await this.writer.append({
      accountId: rec.account_id,
      conversationId: rec.conversation_id,
      sender: { kind: 'note', agentId: rec.agent_id, name, supervisor: true },
      echoId: `recording:${rec.id}`,
      text: `Call recording (${spoken(talk)}).`,
      attachmentIds: [attachmentId],
    });
    // Not sent (a closed conversation): kept anyway, so the sweep of unsent uploads leaves it alone.
    if (!sent.ok) await this.store.recordings.keepAttachment(attachmentId);
    return true;
  }

  /** The recordings of a conversation the caller may read. */
  async list(accountId: string, conversationId: string): Promise<RecordingView[]> {
    const rows = await this.store.recordings.ofConversation(accountId, conversationId);
    return rows.map((r) => this.view(r));
  }

  /** Deletes an account's recordings started before `before` (retention); returns how many. */
  async deleteOlderThan(accountId: string, before: number): Promise<number> {
    let removed = 0;
    for (;;) {
      const rows = await this.store.recordings.olderThan(accountId, before);
      const keys = await this.store.recordings.delete(rows);
      for (const key of keys)
        await this.storage.remove(key).catch((err) => this.log.warn({ err, key }, 'recording not removed'));
      removed += rows.length;
      if (rows.length < 500) return removed;
    }
  }

  private view(r: RecordingRow): RecordingView {
    return {
      id: r.id,
      callId: r.call_id,
      conversationId: r.conversation_id,
      status: r.status,
      chunks: Number(r.chunks),
      size: Number(r.size),
      startedAt: iso(r.started_at)!,
      finishedAt: iso(r.finished_at),
      attachment: r.attachment_id
        ? {
            id: r.attachment_id,
            contentType: RECORDING_TYPE,
            size: Number(r.size),
            url: agentAttachmentPath(r.conversation_id, r.attachment_id),
          }
        : null,
    };
  }
}
