/** Settings › Skills: the queues chats are routed by, with their wait limits and transfer targets. */

import { useState } from 'react';
import { type Bot, listBots } from '../../../api/bots.ts';
import { deleteSkill, listSkills } from '../../../api/skills.ts';
import type { Skill } from '../../../api/types.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { EmptyState } from '../../../components/empty-state.tsx';
import { formatSeconds } from '../../../components/format.ts';
import { LayersIcon, PlusIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { NameChips, skillNames } from '../../../components/skill-picker.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { canManage, useSession } from '../../../session/session-context.tsx';
import '../bots/bots.css';
import { hoursSummary } from './hours-editor.tsx';
import { SkillFormDialog } from './skill-form-dialog.tsx';
import { slaSummary } from './sla-editor.tsx';

type Editing = { kind: 'create' } | { kind: 'edit'; skill: Skill } | { kind: 'delete'; skill: Skill } | null;

export function SkillsTab() {
  const t = useT();
  const { user } = useSession();
  const manager = canManage(user.role);
  const skills = useResource(listSkills);
  const bots = useResource(listBots);
  const [editing, setEditing] = useState<Editing>(null);

  function saved(skill: Skill) {
    skills.update((list) =>
      list.some((item) => item.id === skill.id)
        ? list.map((item) => (item.id === skill.id ? skill : item))
        : [...list, skill],
    );
    setEditing(null);
  }

  const newSkillButton = manager && (
    <button type="button" className="button button-primary" onClick={() => setEditing({ kind: 'create' })}>
      <PlusIcon />
      {t('New skill')}
    </button>
  );

  return (
    <section aria-labelledby="skills-heading">
      <SectionHeader
        title={t('Skills')}
        id="skills-heading"
        description={t("Chats wait in a skill's queue until an agent with that skill is free to take them.")}
        actions={skills.data && skills.data.length > 0 ? newSkillButton : null}
      />
      {skills.loading && !skills.data ? (
        <LoadingState label={t('Loading skills…')} />
      ) : skills.error ? (
        <LoadError error={skills.error} onRetry={skills.reload} />
      ) : skills.data && skills.data.length === 0 ? (
        <EmptyState
          icon={<LayersIcon />}
          title={t('No skills yet')}
          testId="skills-empty"
          actions={newSkillButton}
        >
          <p>
            {t(
              'Create a skill for each kind of conversation your team handles, such as Sales or Support, then give agents the skills they can answer under Team.',
            )}
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="skill-table">
            <thead>
              <tr>
                <th scope="col">{t('Skill')}</th>
                <th scope="col">{t('Max wait')}</th>
                <th scope="col">{t('Offer timeout')}</th>
                <th scope="col">{t('Hours')}</th>
                <th scope="col">{t('Transfers to')}</th>
                <th scope="col">{t('Answered first by')}</th>
                {manager && (
                  <th scope="col" className="cell-actions">
                    <span className="visually-hidden">{t('Actions')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {skills.data?.map((skill) => {
                const targets = skillNames(skill.transferSkillIds, skills.data);
                return (
                  <tr key={skill.id} data-testid="skill-row" data-skill-id={skill.id}>
                    <th scope="row" className="cell-strong">
                      {skill.name}
                    </th>
                    <td data-label={t('Max wait')}>{formatSeconds(skill.maxWaitSeconds)}</td>
                    <td data-label={t('Offer timeout')}>{formatSeconds(skill.offerTimeoutSeconds)}</td>
                    <td data-label={t('Hours')} data-testid="skill-hours">
                      {hoursSummary(skill.hours)}
                      {slaSummary(skill.sla) && (
                        <div className="muted cell-sub" data-testid="skill-sla">
                          {slaSummary(skill.sla)}
                        </div>
                      )}
                    </td>
                    <td data-label={t('Transfers to')}>
                      <NameChips names={targets} empty={t('None')} />
                    </td>
                    <td data-label={t('Answered first by')} data-testid="skill-bot">
                      <FirstResponder botId={skill.botId ?? null} bots={bots.data} />
                    </td>
                    {manager && (
                      <td className="cell-actions">
                        <button
                          type="button"
                          className="button button-small"
                          onClick={() => setEditing({ kind: 'edit', skill })}
                          aria-label={t('Edit {name}', { name: skill.name })}
                        >
                          {t('Edit')}
                        </button>
                        <button
                          type="button"
                          className="button button-small button-danger-quiet"
                          onClick={() => setEditing({ kind: 'delete', skill })}
                          aria-label={t('Delete {name}', { name: skill.name })}
                        >
                          {t('Delete')}
                        </button>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      {(editing?.kind === 'create' || editing?.kind === 'edit') && (
        <SkillFormDialog
          skill={editing.kind === 'edit' ? editing.skill : undefined}
          skills={skills.data ?? []}
          bots={bots.data ?? []}
          onSaved={saved}
          onClose={() => setEditing(null)}
        />
      )}
      {editing?.kind === 'delete' && (
        <ConfirmDialog
          title={t('Delete {name}?', { name: editing.skill.name })}
          confirmLabel={t('Delete skill')}
          onClose={() => setEditing(null)}
          onConfirm={async () => {
            await deleteSkill(editing.skill.id);
            const id = editing.skill.id;
            skills.update((list) =>
              list
                .filter((item) => item.id !== id)
                .map((item) => ({
                  ...item,
                  transferSkillIds: item.transferSkillIds.filter((target) => target !== id),
                })),
            );
          }}
        >
          <p>
            {t(
              'Agents lose this skill, and other skills can no longer transfer conversations to it. Campaigns that route chats to it will need another skill.',
            )}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** Who takes a skill's new conversations first: a bot (badged) or the skill's people. */
function FirstResponder({ botId, bots }: { botId: string | null; bots: Bot[] | undefined }) {
  const t = useT();
  if (!botId) return <span className="muted">{t('People')}</span>;
  const bot = bots?.find((b) => b.id === botId);
  return (
    <span>
      <span className="member-bot-badge">{t('Bot')}</span>
      {bot?.name ?? t('A bot')}
    </span>
  );
}
