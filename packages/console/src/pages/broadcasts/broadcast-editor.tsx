/**
 * A new broadcast (/broadcasts/new), or a draft or scheduled one changed before it starts
 * (/broadcasts/:id/edit): who gets it, on which channels in which order, what each
 * channel says, the holdout and when it goes out; with a preview of each channel's message as a
 * member of the segment gets it. Checked in the browser first, then by the server, whose faults
 * are placed next to the field they name.
 */
import { type FormEvent, useCallback, useMemo, useRef, useState } from 'react';
import { type BroadcastView, createBroadcast, getBroadcast, updateBroadcast } from '../../api/broadcasts.ts';
import { listConnections } from '../../api/channels.ts';
import { getSegment, listSegments } from '../../api/segments.ts';
import { listSites } from '../../api/sites.ts';
import { listSkills } from '../../api/skills.ts';
import type { Skill } from '../../api/types.ts';
import { listTemplates } from '../../api/whatsapp.ts';
import { Field } from '../../components/field.tsx';
import { focusFirstProblem } from '../../components/focus-first-problem.ts';
import { FormError } from '../../components/form-error.tsx';
import { formatNumber } from '../../components/format.ts';
import { LoadError } from '../../components/load-error.tsx';
import { LoadingState } from '../../components/loading-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useResource } from '../../components/use-resource.ts';
import { useT } from '../../i18n/language-context.tsx';
import { Link, navigate } from '../../router/router.tsx';
import { FormSection } from '../campaigns/form-section.tsx';
import {
  type BroadcastForm,
  broadcastInput,
  broadcastPatch,
  emptyForm,
  type FormErrors,
  formErrors,
  formOf,
  placeFaults,
} from './broadcast-form.ts';
import { setBroadcastNotice } from './broadcast-notice.ts';
import { BroadcastPreview } from './broadcast-preview.tsx';
import { editable } from './broadcast-text.ts';
import { ChannelContent, sendable } from './channel-content.tsx';
import { ChannelOrder } from './channel-order.tsx';
import { SendTime } from './send-time.tsx';
import './broadcasts.css';

export default function BroadcastEditor({ id }: { id?: string }) {
  const t = useT();
  const load = useCallback(async () => {
    const [segments, skills, saved] = await Promise.all([
      listSegments(),
      listSkills().catch(() => [] as Skill[]),
      id ? getBroadcast(id) : Promise.resolve(null),
    ]);
    return { segments, skills, saved };
  }, [id]);
  const loaded = useResource(load);
  const saved = loaded.data?.saved ?? null;
  const back = id ? `/broadcasts/${encodeURIComponent(id)}` : '/broadcasts';
  return (
    <>
      <PageHeader
        title={
          id ? (saved ? t('Edit {name}', { name: saved.name }) : t('Edit broadcast')) : t('New broadcast')
        }
        description={
          <Link to={back} className="back-link">
            {id ? t('← Back to the broadcast') : t('← All broadcasts')}
          </Link>
        }
      />
      {loaded.error ? (
        <LoadError error={loaded.error} onRetry={loaded.reload} />
      ) : !loaded.data ? (
        <LoadingState label={t('Loading the broadcast editor…')} />
      ) : saved && !editable(saved) ? (
        <p className="alert alert-info" data-testid="broadcast-not-editable">
          {t('Only a draft, or a scheduled broadcast that has not started, can be changed.')}
        </p>
      ) : (
        <EditorForm segments={loaded.data.segments} skills={loaded.data.skills} saved={saved} />
      )}
    </>
  );
}

function EditorForm({
  segments,
  skills,
  saved,
}: {
  segments: Awaited<ReturnType<typeof listSegments>>;
  skills: Skill[];
  /** The broadcast being changed; null for a new one. */
  saved: BroadcastView | null;
}) {
  const t = useT();
  const [form, setForm] = useState<BroadcastForm>(() => (saved ? formOf(saved) : emptyForm()));
  const [attempted, setAttempted] = useState(false);
  const [faults, setFaults] = useState<{ fields: FormErrors; general: string | null }>({
    fields: {},
    general: null,
  });
  const [busy, setBusy] = useState<'draft' | 'scheduled' | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  const connections = useResource(listConnections);
  const sites = useResource(listSites);
  const waConnection = form.channels.includes('whatsapp') ? form.whatsapp.connectionId : '';
  const loadTemplates = useCallback(
    () => (waConnection ? listTemplates(waConnection).then((l) => l.items) : Promise.resolve([])),
    [waConnection],
  );
  const templates = useResource(loadTemplates);
  const chosenTemplate = form.whatsapp.template
    ? sendable(templates.data ?? []).find(
        (x) => x.name === form.whatsapp.template!.name && x.language === form.whatsapp.template!.language,
      )
    : undefined;

  // The segment's count now, asked again when another segment is chosen.
  const segmentId = form.segmentId;
  const loadCount = useCallback(
    () => (segmentId ? getSegment(segmentId) : Promise.resolve(null)),
    [segmentId],
  );
  const live = useResource(loadCount);

  const clientErrors = useMemo(
    () => (attempted ? formErrors(form, chosenTemplate?.variables ?? null) : {}),
    [attempted, form, chosenTemplate],
  );
  const errors: FormErrors = { ...faults.fields, ...clientErrors };
  const problems = Object.keys(errors).length;

  const set = useCallback((patch: Partial<BroadcastForm>) => {
    setForm((current) => ({ ...current, ...patch }));
    setFaults((f) => (f.general || Object.keys(f.fields).length ? { fields: {}, general: null } : f));
  }, []);

  async function save(status: 'draft' | 'scheduled') {
    setAttempted(true);
    setFaults({ fields: {}, general: null });
    if (Object.keys(formErrors(form, chosenTemplate?.variables ?? null)).length > 0) {
      focusFirstProblem(formRef.current);
      return;
    }
    setBusy(status);
    try {
      const done = saved
        ? await updateBroadcast(saved.id, broadcastPatch(form, status))
        : await createBroadcast(broadcastInput(form, status));
      setBroadcastNotice({
        id: done.id,
        text:
          status === 'draft'
            ? t('Saved “{name}” as a draft.', { name: done.name })
            : done.status === 'scheduled' && form.when === 'later'
              ? t('Scheduled “{name}”.', { name: done.name })
              : t('Sending “{name}”.', { name: done.name }),
      });
      navigate(`/broadcasts/${encodeURIComponent(done.id)}`);
    } catch (caught) {
      setBusy(null);
      setFaults(placeFaults(caught));
      focusFirstProblem(formRef.current);
    }
  }

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void save('scheduled');
  };

  return (
    <form
      ref={formRef}
      className="broadcast-editor"
      onSubmit={submit}
      noValidate
      data-testid="broadcast-form"
    >
      <fieldset className="editor-main" disabled={busy !== null}>
        <legend className="visually-hidden">{t('Broadcast settings')}</legend>
        <FormError message={faults.general} />
        <FormSection
          id="audience"
          title={t('Who')}
          description={t('A broadcast goes to the contacts of a segment as they are when it starts sending.')}
        >
          <div className="form">
            <Field label={t('Name')} error={errors.name} hint={t('Only your team sees it.')}>
              {(props) => (
                <input
                  {...props}
                  className="input"
                  maxLength={120}
                  value={form.name}
                  placeholder={t('For example: Spring prices')}
                  onChange={(e) => set({ name: e.target.value })}
                />
              )}
            </Field>
            <Field
              label={t('Segment')}
              error={errors.segmentId}
              hint={
                segments.length === 0 ? (
                  <Link to="/segments/new">{t('Create a segment first')}</Link>
                ) : live.data ? (
                  <span data-testid="segment-live-count">
                    {t('{count, plural, one {# contact matches now} other {# contacts match now}}', {
                      count: live.data.count,
                    })}
                  </span>
                ) : segmentId ? (
                  t('Counting…')
                ) : undefined
              }
            >
              {(props) => (
                <select
                  {...props}
                  className="input select"
                  value={form.segmentId}
                  onChange={(e) => set({ segmentId: e.target.value })}
                >
                  <option value="">{t('Choose a segment')}</option>
                  {segments.map((s) => (
                    <option key={s.id} value={s.id}>
                      {t('{name} ({count})', { name: s.name, count: formatNumber(s.count) })}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
        </FormSection>

        <FormSection
          id="channels"
          title={t('Channels and message')}
          description={t(
            'Texts may name the contact’s values; a contact without a value the message needs is skipped, with the reason.',
          )}
        >
          <div className="form">
            <ChannelOrder
              channels={form.channels}
              onChange={(channels) => set({ channels })}
              error={errors.channels}
            />
            {form.channels.map((channel) => (
              <ChannelContent
                key={channel}
                channel={channel}
                form={form}
                errors={errors}
                set={set}
                connections={connections.data}
                templates={templates.data}
                sites={sites.data}
              />
            ))}
          </div>
        </FormSection>

        <FormSection
          id="measure"
          title={t('Replies and holdout')}
          description={t(
            'The holdout gets nothing. Comparing it with the contacts who got the message shows what the broadcast changed.',
          )}
        >
          <div className="form form-columns">
            <Field
              label={t('Holdout')}
              error={errors.holdoutPercent}
              hint={t('0 to 50 % of the segment, chosen at random.')}
            >
              {(props) => (
                <span className="input-suffix">
                  <input
                    {...props}
                    className="input input-number"
                    type="number"
                    inputMode="numeric"
                    min={0}
                    max={50}
                    step={1}
                    value={form.holdoutPercent}
                    onChange={(e) => set({ holdoutPercent: e.target.value })}
                  />
                  <span aria-hidden="true">%</span>
                </span>
              )}
            </Field>
            <Field
              label={t('Skill for replies')}
              error={errors.skillId}
              hint={t('A reply opens a conversation in this skill.')}
            >
              {(props) => (
                <select
                  {...props}
                  className="input select"
                  value={form.skillId}
                  onChange={(e) => set({ skillId: e.target.value })}
                >
                  <option value="">{t('The connection’s own skill')}</option>
                  {skills.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
        </FormSection>

        <SendTime form={form} set={set} error={errors.sendAt} />

        <div className="editor-footer">
          <p className="editor-footer-status" role="status">
            {problems > 0 ? (
              <span className="editor-footer-problems">
                {t('{count, plural, one {# thing to fix} other {# things to fix}} before saving', {
                  count: problems,
                })}
              </span>
            ) : live.data && form.segmentId ? (
              <span className="muted">
                {t(
                  '{count, plural, one {# contact in the segment now} other {# contacts in the segment now}}, {holdout} % held out',
                  {
                    count: live.data.count,
                    holdout: form.holdoutPercent || '0',
                  },
                )}
              </span>
            ) : null}
          </p>
          <Link to={saved ? `/broadcasts/${encodeURIComponent(saved.id)}` : '/broadcasts'} className="button">
            {t('Cancel')}
          </Link>
          <button
            type="button"
            className="button"
            onClick={() => void save('draft')}
            data-testid="broadcast-save-draft"
          >
            {busy === 'draft' ? t('Saving…') : t('Save as draft')}
          </button>
          <button type="submit" className="button button-primary" data-testid="broadcast-send">
            {busy === 'scheduled'
              ? t('Saving…')
              : form.when === 'later'
                ? t('Schedule broadcast')
                : t('Send now')}
          </button>
        </div>
      </fieldset>
      <BroadcastPreview form={form} template={chosenTemplate} />
    </form>
  );
}
