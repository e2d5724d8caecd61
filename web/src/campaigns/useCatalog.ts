// What the composer offers: the template catalog (every page), the
// pipelines and their stages, and the active team.
import { useEffect, useState } from 'preact/hooks';
import { items, nextCursor } from '../api/client';
import * as dealsApi from '../api/deals';
import type { Pipeline } from '../api/deals';
import * as teamApi from '../api/team';
import type { User } from '../api/team';
import * as templatesApi from '../api/templates';
import type { Template } from '../api/templates';

export interface Catalog {
  /** Null until loaded. */
  templates: Template[] | null;
  pipelines: Pipeline[];
  team: User[];
  /** Loads the templates again (after a sync). */
  reload: () => Promise<void>;
}

async function allTemplates(): Promise<Template[]> {
  const out: Template[] = [];
  let cursor: string | null = null;
  do {
    const page = await templatesApi.templatesPage(cursor);
    out.push(...items(page));
    cursor = nextCursor(page);
  } while (cursor);
  return out;
}

export function useCatalog(fail: (e: unknown) => void): Catalog {
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [pipelines, setPipelines] = useState<Pipeline[]>([]);
  const [team, setTeam] = useState<User[]>([]);
  const [alive] = useState(() => ({ current: true }));
  const reload = () => allTemplates().then((list) => { if (alive.current) setTemplates(list); }).catch(fail);
  useEffect(() => {
    void reload();
    dealsApi.pipelines().then((p) => { if (alive.current) setPipelines(items(p)); }).catch(fail);
    teamApi.users().then((p) => { if (alive.current) setTeam(items(p).filter((u) => u.active && !u.invited)); }).catch(fail);
    return () => { alive.current = false; };
  }, []);
  return { templates, pipelines, team, reload };
}
