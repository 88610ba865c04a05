/** A labelled group of checkboxes for choosing skills (an agent's skills, a skill's transfer targets). */
import { useId } from 'react';
import type { Skill } from '../api/types.ts';

interface SkillPickerProps {
  legend: string;
  hint?: string;
  skills: Skill[];
  selected: string[];
  onChange: (ids: string[]) => void;
  emptyText: string;
}

export function SkillPicker({ legend, hint, skills, selected, onChange, emptyText }: SkillPickerProps) {
  const hintId = useId();
  function toggle(id: string, checked: boolean) {
    onChange(checked ? [...selected, id] : selected.filter((item) => item !== id));
  }
  return (
    <fieldset className="fieldset" aria-describedby={hint ? hintId : undefined}>
      <legend className="field-label">{legend}</legend>
      {skills.length === 0 ? (
        <p className="field-hint">{emptyText}</p>
      ) : (
        <div className="check-grid">
          {skills.map((skill) => (
            <label key={skill.id} className="check">
              <input
                type="checkbox"
                name="skill"
                value={skill.id}
                checked={selected.includes(skill.id)}
                onChange={(event) => toggle(skill.id, event.target.checked)}
              />
              <span>{skill.name}</span>
            </label>
          ))}
        </div>
      )}
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
    </fieldset>
  );
}

/** Skill names for a list of ids, in the order given, skipping ids that no longer exist. */
export function skillNames(ids: string[], skills: Skill[] | undefined): string[] {
  if (!skills) return [];
  const byId = new Map(skills.map((skill) => [skill.id, skill.name]));
  return ids.flatMap((id) => {
    const name = byId.get(id);
    return name ? [name] : [];
  });
}

/** Names as chips (skills in a table cell), or a muted word when there are none. */
export function NameChips({ names, empty }: { names: string[]; empty: string }) {
  if (names.length === 0) return <span className="muted">{empty}</span>;
  return (
    <span className="chips">
      {names.map((name) => (
        <span key={name} className="chip">
          {name}
        </span>
      ))}
    </span>
  );
}
