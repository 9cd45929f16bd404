import type { Core } from '@strapi/strapi';
import { getPluginConfig } from '../config/get-plugin-config';
import { decideArm } from '../experiments/serve-decision';
import type { IncomingEvent } from '../ingest/event-schema';
import { topicShares } from '../profiles/profile-view';
import { pluginService } from '../shared/plugin-services';
import { isUnavailability } from '../store/store-unavailable';
import { CoEngagementWrites } from './co-engagement-writes';
import type { EngagedItem } from './co-engagement';
import { engagementWeightOf } from './item-engagement';
import { itemKey, itemRefOf, joinItemKey, parseItemKey } from './item-ref';
import { coEngagementScores, nextStepScores, recommend, type Recommendation } from './recommend';
import type { NextStep } from './next-steps';
import { PagePathWrites } from './page-path-writes';
import { pageOfLabel, pageTransitions, type PageStep } from './page-paths';
import { isStrategyId, type StrategyId } from './strategies';

/** History items whose neighbours are read: the newest say most (cf-v1 weighs them by recency). */
const ANCHORS = 10;
const NEIGHBOURS_PER_ANCHOR = 50;
/** Popular candidates read, for topic-v1 to rank and for the popular fallback. */
const POPULAR_CANDIDATES = 200;
/** Recommended beyond `limit`: some may turn out unpublished, deleted or absent in the locale. */
const SPARE = 5;
/** The admin's paths: entries offered to start from, and next steps shown per entry (two levels). */
const PATH_STARTS = 30;
const PATH_WIDTH = 5;

/** The admin's page paths: pages offered to start from, and next steps of the page asked about (two levels). */
export interface PagePathsAnswer {
  starts: string[];
  steps: (PageStep & { next: PageStep[] })[];
}

export interface PathsAnswer {
  /** Item keys of the most engaged-with entries, best first. */
  starts: string[];
  /** The next steps from the entry asked about, each with its own next steps. */
  steps: (NextStep & { next: NextStep[] })[];
}

export interface RecommendRequest {
  uid: string;
  /** A visitor who proved itself and consents; null: nothing personal is read. */
  visitorId: string | null;
  /** "Related to this entry". */
  forDocumentId: string | null;
  strategy: StrategyId | null;
  limit: number;
  includeViewed: boolean;
  now: number;
}

export interface Served {
  items: Recommendation[];
  strategy: StrategyId;
  /** The experiment on this content type's strategies that chose `strategy`, and the visitor's arm. */
  experiment?: { key: string; arm: string };
  /** The store could not be read: nothing to recommend, the request still answers. */
  degraded?: boolean;
}

/**
 * Recommendations: reads what the co-engagement store and the profile hold about the visitor (or
 * one entry), ranks with the pure recommender, and records engagements from ingest (coalesced
 * into one write per flush, see co-engagement-writes.ts).
 */
const recommendationsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const stores = () => pluginService(strapi, 'store');
  let pendingWrites: CoEngagementWrites | undefined;
  let pendingPagePaths: PagePathWrites | undefined;
  const writes = () =>
    (pendingWrites ??= new CoEngagementWrites(stores().coEngagement(), {
      onDropped: (count) => pluginService(strapi, 'stats').dropped('co-engagement engagements', count),
    }));
  const pagePathWrites = () =>
    (pendingPagePaths ??= new PagePathWrites(stores().coEngagement(), {
      onDropped: (count) => pluginService(strapi, 'stats').dropped('page path transitions', count),
    }));
  const affinityHalfLifeSec = () => getPluginConfig(strapi).affinity.halfLifeDays * 86_400;

  /** Topics of candidate entries, from the same cache ingest uses. */
  const topicsOf = async (items: string[]): Promise<Record<string, string[]>> => {
    // One event per item (none for an item that names no entry), so that each item finds its own.
    const events = items.map((item) => {
      const ref = parseItemKey(item);
      return ref ? ({ type: 'page', properties: { contentType: ref.contentType, documentId: ref.documentId } } as IncomingEvent) : undefined;
    });
    const lookup = await pluginService(strapi, 'entryTopics').lookup(events.filter((event) => event !== undefined));
    return Object.fromEntries(items.map((item, index) => [item, events[index] ? lookup(events[index]) : []]));
  };

  /**
   * The strategy asked for; else the visitor's arm of an experiment on this content type's
   * strategies (control: the default strategy), recording the first exposure; else the default.
   */
  const decideStrategy = async (request: RecommendRequest): Promise<Pick<Served, 'strategy' | 'experiment'>> => {
    const config = getPluginConfig(strapi);
    const fallback = config.recommendations.defaultStrategy;
    if (request.strategy) return { strategy: request.strategy };
    const experiment = pluginService(strapi, 'experiments').running().byRecommendations.get(request.uid);
    if (!experiment || !request.visitorId) return { strategy: fallback };
    const state = await stores().resolution().readResolutionState(request.visitorId, { assignments: true });
    const decision = decideArm(experiment, request.visitorId, state.segments, state.assignments);
    if (!decision) return { strategy: fallback };
    if (decision.firstExposure) {
      await stores().experiments().recordExposure(request.visitorId, decision.experimentId, decision.arm, request.now, config.retentionDays * 86_400);
    }
    return {
      strategy: decision.servesBase || !isStrategyId(decision.arm) ? fallback : decision.arm,
      experiment: { key: decision.experiment, arm: decision.arm },
    };
  };

  return {
    async recommend(request: RecommendRequest): Promise<Served> {
      let strategy = request.strategy ?? getPluginConfig(strapi).recommendations.defaultStrategy;
      const coEngagement = stores().coEngagement();
      try {
        const decided = await decideStrategy(request);
        strategy = decided.strategy;
        // Reads in the order the ranking needs them: co-engagement first; the profile (segment,
        // topic affinities), the segment's popularity and the candidates' topics only when cf-v1
        // finds too few (a new visitor, an entry nobody engaged with yet) or another strategy asks.
        const history = request.visitorId ? await coEngagement.history(request.visitorId, ANCHORS * 2) : [];
        const anchors = request.forDocumentId
          ? [{ item: itemKey({ contentType: request.uid, documentId: request.forDocumentId }) }]
          : history.filter((entry) => parseItemKey(entry.item)?.contentType === request.uid).slice(0, ANCHORS);
        const exclude = request.includeViewed ? [] : [...anchors.map((anchor) => anchor.item), ...history.map((entry) => entry.item)];
        const wanted = request.limit + SPARE;
        const usesNeighbours = strategy === 'cf-v1' || strategy === 'next-v1';
        const [nextSteps, neighbours, popular] = await Promise.all([
          strategy === 'next-v1' && anchors.length > 0 ? coEngagement.nextSteps([anchors[0].item], NEIGHBOURS_PER_ANCHOR) : Promise.resolve({}),
          usesNeighbours && anchors.length > 0 ? coEngagement.neighbours(anchors.map((anchor) => anchor.item), NEIGHBOURS_PER_ANCHOR, request.now) : Promise.resolve({}),
          coEngagement.popular(request.uid, null, POPULAR_CANDIDATES, request.now),
        ]);
        const excluded = new Set(exclude);
        const found = new Set([...nextStepScores({ history: anchors, nextSteps }), ...coEngagementScores({ history: anchors, neighbours })].map((scored) => scored.item));
        const enoughByCoEngagement = usesNeighbours && [...found].filter((item) => !excluded.has(item)).length >= wanted;
        const profile = request.visitorId && !enoughByCoEngagement ? await stores().profiles().readProfile(request.visitorId) : null;
        const segment = profile?.segments[0] ?? null;
        // "Popular in your segment" first, then popular everywhere.
        const popularInSegment = segment && !enoughByCoEngagement ? await coEngagement.popular(request.uid, segment, POPULAR_CANDIDATES, request.now) : [];
        const candidates = [...popularInSegment, ...popular];
        const topicAffinities = profile ? topicShares(profile.fields, request.now, affinityHalfLifeSec()) : {};
        const candidateTopics =
          strategy !== 'popular-v1' && Object.keys(topicAffinities).length > 0 ? await topicsOf([...new Set(candidates.map((candidate) => candidate.item))]) : {};
        const items = recommend({
          strategy,
          contentType: request.uid,
          history: anchors,
          nextSteps,
          neighbours,
          popular: candidates,
          topicAffinities,
          candidateTopics,
          exclude,
          limit: wanted,
        });
        return { items, ...decided };
      } catch (error) {
        if (!isUnavailability(error)) throw error;
        pluginService(strapi, 'stats').count('degraded');
        return { items: [], strategy, degraded: true };
      }
    },

    /**
     * Notes the entries a stored batch engaged with (views, plays, adds of personalized content
     * types); written with other requests' in the next flush, so ingest waits for no extra round trip.
     */
    noteEngagements(visitorId: string, segments: readonly string[], events: readonly IncomingEvent[], eventTime: (event: IncomingEvent) => number): void {
      if (!getPluginConfig(strapi).recommendations.enabled) return;
      const contentTypes = pluginService(strapi, 'contentTypes');
      const items: EngagedItem[] = [];
      for (const event of events) {
        const weight = engagementWeightOf(event);
        if (weight === null) continue;
        // Events may name the type by its singular name (`movie`): items are keyed by uid.
        const item = itemRefOf(contentTypes.resolveUid(event.properties?.contentType), event.properties?.documentId);
        if (item) items.push({ item: joinItemKey(item.contentType, item.documentId), weight, at: eventTime(event) });
      }
      if (items.length > 0) writes().add(visitorId, [...segments], items);
    },

    /**
     * Paths for the admin: where visitors went next from an entry (its strongest next steps), and
     * from each of those; without an entry, the type's most engaged-with entries to start from.
     */
    async paths(uid: string, documentId: string | null, now: number): Promise<PathsAnswer> {
      const coEngagement = stores().coEngagement();
      const starts = (await coEngagement.popular(uid, null, PATH_STARTS, now)).map((entry) => entry.item);
      if (documentId === null) return { starts, steps: [] };
      const from = itemKey({ contentType: uid, documentId });
      const first = (await coEngagement.nextSteps([from], PATH_WIDTH))[from] ?? [];
      const second = await coEngagement.nextSteps(first.map((step) => step.item), PATH_WIDTH);
      return { starts, steps: first.map((step) => ({ ...step, next: second[step.item] ?? [] })) };
    },

    /**
     * Counts the page transitions of a stored batch (`page-paths.ts`): `previousStep` the visitor's
     * step record head before it (`ApplyResult.previousStep`), `steps` the applied events' steps.
     * Written with other batches' in the next flush (`page-path-writes.ts`), so ingest waits for no
     * extra round trip (awaited per batch, it cost ingest 17 % of its throughput in the funnels
     * benchmark).
     */
    notePagePaths(previousStep: string | undefined, steps: readonly (string | undefined)[], sessionGapSec: number): void {
      const config = getPluginConfig(strapi).recommendations;
      if (!config.enabled || !config.pagePaths) return;
      pagePathWrites().add(pageTransitions(previousStep, steps, sessionGapSec));
    },

    /**
     * Page paths for the admin: where visitors went next from a page, two steps deep (a next page's
     * own next steps; an event has none), and the pages with the most transitions to start from.
     */
    async pagePaths(page: string | null): Promise<PagePathsAnswer> {
      const coEngagement = stores().coEngagement();
      const starts = await coEngagement.popularPages(PATH_STARTS);
      if (page === null) return { starts, steps: [] };
      const first = (await coEngagement.pagePaths([page], PATH_WIDTH))[page] ?? [];
      const nextPages = first.flatMap((step) => pageOfLabel(step.label) ?? []);
      const second = nextPages.length > 0 ? await coEngagement.pagePaths(nextPages, PATH_WIDTH) : {};
      return {
        starts,
        steps: first.map((step) => {
          const nextPage = pageOfLabel(step.label);
          return { ...step, next: nextPage === undefined ? [] : (second[nextPage] ?? []) };
        }),
      };
    },

    /** Writes what is pending now (tests). */
    async flush() {
      await Promise.all([writes().flush(), pendingPagePaths?.flush()]);
    },

    /** Drops pending engagements of visitors being erased. */
    forget: (visitorIds: readonly string[]) => pendingWrites?.forget(visitorIds),

    /** Writes what is pending and stops (shutdown, before the store closes). */
    async close() {
      await Promise.all([pendingWrites?.close(), pendingPagePaths?.close()]);
      pendingWrites = undefined;
      pendingPagePaths = undefined;
    },

    isStrategy: isStrategyId,
  };
};

export type RecommendationsService = ReturnType<typeof recommendationsService>;
export default recommendationsService;
