import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { JourneyStep } from '../journeys/journey-step';
import { pluginService } from '../shared/plugin-services';
import { validationError } from '../shared/validation';
import type { FunnelWindow } from '../store/profile-store';
import { cachedFunnelHits, compileFunnel, funnelWindows, type CompiledFunnel, type FunnelRecord } from './compiled-funnel';
import { MAX_ENABLED_FUNNELS, type FunnelCreate, type FunnelUpdate } from './funnel-input';
import { funnelReport } from './funnel-report';

export const FUNNEL_UID = 'plugin::personalization.funnel';
const CHANGED_CHANNEL = 'funnels-changed';

/**
 * One snapshot of the enabled funnels for a batch: which of their steps a journey step is
 * (`EventUpdate.funnels`, by index) and the funnels those indices name (`ApplyOptions.funnels`).
 */
export interface FunnelsForIngest {
  hitsOf: (step: JourneyStep) => number[];
  windows: FunnelWindow[];
}

export interface StoredFunnel extends FunnelRecord {
  id: number;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * Funnels: stored in Strapi's database, the enabled ones compiled once and kept in process (every
 * change recompiles here and tells the other instances). Ingest asks `hitsOf` which funnel steps an
 * event is; the store advances each visitor's progress and counts the steps reached
 * (`funnel-progress.ts`); the report reads the daily counters (`funnel-report.ts`).
 */
const funnelsService = ({ strapi }: { strapi: Core.Strapi }) => {
  let compiled: CompiledFunnel[] = [];
  let forIngest: FunnelsForIngest | undefined;
  const query = () => strapi.db.query(FUNNEL_UID as never);

  const reload = async () => {
    const rows = (await query().findMany({ where: { enabled: true }, orderBy: [{ id: 'asc' }] })) as StoredFunnel[];
    compiled = rows.slice(0, MAX_ENABLED_FUNNELS).flatMap((row) => {
      try {
        return [compileFunnel(row)];
      } catch (error) {
        strapi.log.warn(`[personalization] funnel "${row.name}" could not be compiled and is skipped: ${(error as Error).message}`);
        return [];
      }
    });
    const current = compiled;
    forIngest = current.length > 0 ? { hitsOf: cachedFunnelHits(current), windows: funnelWindows(current) } : undefined;
  };

  const changed = async (reason: string) => {
    await reload();
    await pluginService(strapi, 'changes').announce(CHANGED_CHANNEL, reason);
  };

  const findOrThrow = async (documentId: string) => {
    const funnel = (await query().findOne({ where: { documentId } })) as StoredFunnel | null;
    if (!funnel) throw new errors.NotFoundError('no funnel with this id');
    return funnel;
  };

  /** Enabling one more funnel than MAX_ENABLED_FUNNELS is refused (`funnel-input.ts` says why). */
  const checkRoom = async (exceptId?: number) => {
    const enabled = (await query().count({ where: { enabled: true, ...(exceptId === undefined ? {} : { id: { $ne: exceptId } }) } })) as number;
    if (enabled >= MAX_ENABLED_FUNNELS) {
      throw validationError([{ path: ['enabled'], message: `at most ${MAX_ENABLED_FUNNELS} funnels can be enabled at once; disable one first` }]);
    }
  };

  return {
    async start() {
      await reload();
      await pluginService(strapi, 'changes').watch(CHANGED_CHANNEL, () => {
        void reload().catch((error) => strapi.log.warn(`[personalization] reloading funnels failed: ${error}`));
      });
    },

    /** The enabled funnels, compiled. */
    compiled: () => compiled,

    /** The enabled funnels as ingest matches and stores them; undefined while none is enabled (ingest skips the matching). */
    forIngest: () => forIngest,

    async list(): Promise<StoredFunnel[]> {
      return (await query().findMany({ orderBy: [{ name: 'asc' }] })) as StoredFunnel[];
    },

    find: findOrThrow,

    async create(input: FunnelCreate): Promise<StoredFunnel> {
      if (input.enabled) await checkRoom();
      const created = (await query().create({ data: { ...input, description: input.description ?? null } })) as StoredFunnel;
      await changed(`funnel "${created.name}" created`);
      return created;
    },

    async update(documentId: string, input: FunnelUpdate): Promise<StoredFunnel> {
      const funnel = await findOrThrow(documentId);
      if (input.enabled && !funnel.enabled) await checkRoom(funnel.id);
      const updated = (await query().update({ where: { id: funnel.id }, data: input })) as StoredFunnel;
      await changed(`funnel "${funnel.name}" updated`);
      return updated;
    },

    async remove(documentId: string): Promise<StoredFunnel> {
      const funnel = await findOrThrow(documentId);
      await query().delete({ where: { id: funnel.id } });
      await changed(`funnel "${funnel.name}" deleted`);
      return funnel;
    },

    /** Per step over a range of entry days, optionally among a segment's members (`funnel-report.ts`). */
    async report(documentId: string, fromDay: number, toDay: number, segment?: string) {
      const funnel = await findOrThrow(documentId);
      if (segment !== undefined && !(await pluginService(strapi, 'segments').findBySlug(segment))) {
        throw validationError([{ path: ['segment'], message: `no segment "${segment}"` }]);
      }
      const { counters } = await pluginService(strapi, 'history').dailyFigures(fromDay, toDay);
      return { funnel, steps: funnelReport(funnel.documentId, funnel.steps, counters, segment) };
    },
  };
};

export type FunnelsService = ReturnType<typeof funnelsService>;
export default funnelsService;
