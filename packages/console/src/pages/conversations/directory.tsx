/**
 * The names the conversations pages need (skills and team members), loaded once for the section
 * and shared, so every list and dialog says "Sales" and "Ada" rather than ids.
 */
import { createContext, type ReactNode, use, useCallback, useMemo } from 'react';
import { listSkills } from '../../api/skills.ts';
import type { Skill, User } from '../../api/types.ts';
import { listUsers } from '../../api/users.ts';
import { useResource } from '../../components/use-resource.ts';

export interface Directory {
  skills: Skill[];
  users: User[];
  skillName(id: string | null): string | null;
  userName(id: string | null): string | null;
  skill(id: string | null): Skill | undefined;
  /** Loading failed; names fall back to "—". */
  failed: boolean;
  /** Loads the team again (statuses change); stable across renders. */
  reloadUsers(): void;
}

const DirectoryContext = createContext<Directory | null>(null);

const loadSkills = () => listSkills();
const loadUsers = () => listUsers();

export function DirectoryProvider({ children }: { children: ReactNode }) {
  const skills = useResource(loadSkills);
  const users = useResource(loadUsers);
  const reloadUsers = useCallback(() => users.reload(), [users.reload]);
  const value = useMemo<Directory>(() => {
    const skillList = skills.data ?? [];
    const userList = users.data ?? [];
    const skillById = new Map(skillList.map((s) => [s.id, s]));
    const userById = new Map(userList.map((u) => [u.id, u]));
    return {
      skills: skillList,
      users: userList,
      skill: (id) => (id ? skillById.get(id) : undefined),
      skillName: (id) => (id ? (skillById.get(id)?.name ?? null) : null),
      userName: (id) => (id ? (userById.get(id)?.name ?? null) : null),
      failed: Boolean(skills.error || users.error),
      reloadUsers,
    };
  }, [skills.data, skills.error, users.data, users.error, reloadUsers]);
  return <DirectoryContext value={value}>{children}</DirectoryContext>;
}

export function useDirectory(): Directory {
  const directory = use(DirectoryContext);
  if (!directory) throw new Error('useDirectory outside DirectoryProvider');
  return directory;
}
