import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getPluginConfig } from '../config/get-plugin-config';
import { entryTarget } from '../experiments/experiments-service';
import { decideArm, type RunningExperiment } from '../experiments/serve-decision';
import { pluginService } from '../shared/plugin-services';
import { overrideKind } from './override-schema';
import { overlay, overridesIn } from './overlay';
import { createPreviewPermission } from './preview-permission';
import type { RequestPersonalization, VisitorOutcome } from './request-personalization';
import { graphqlRootField, personalizationSwitch } from './resolution-scope';
import { pickVariant, type LiveVariant } from './variant-selection';
import type { VariantIndex } from './variants-service';

const READS = new Set(['findOne', 'findMany', 'findFirst']);

interface DocumentContext {
  uid: string;
  action: string;
  params: Record<string, unknown>;
}

/**
 * The Document Service side of resolution: every read of a personalized content type made while a
 * content-API request with a visitor is being answered (REST, GraphQL, or any plugin reading through
 * the Document Service) gets, per entry, the variant of the visitor's highest-priority matching
 * segment. The query itself runs untouched (filters, sort, pagination apply to the base entries);
 * the visitor's segments are read from the store while it runs. Never applies to drafts, or outside
 * a content-API request (admin, Content Manager). Fails open: when the variants cannot be loaded
 * (the database fails), the base entries are served and the failure is logged.
 */
export const createResolutionMiddleware = (strapi: Core.Strapi) => {
  const requestOf = () => strapi.requestContext.get() as Context | undefined;
  let defaultLocaleCode: Promise<string | undefined> | undefined;
  const defaultLocale = () =>
    (defaultLocaleCode ??= Promise.resolve(
      (strapi.plugin('i18n')?.service('locales') as { getDefaultLocale?: () => Promise<string> } | undefined)?.getDefaultLocale?.()
    ).catch(() => undefined));

  /** A preview (`psn_segment`) is honoured only for those allowed to see any segment's variants. */
  const mayPreview = createPreviewPermission(strapi);
  const previewAllowed = (ctx: Context) => () => mayPreview(ctx);

  /** The variant for one entry: a running experiment on it decides, else the visitor's segments. */
  const chooseVariant = (
    state: RequestPersonalization,
    outcome: VisitorOutcome,
    index: VariantIndex,
    uid: string,
    documentId: string,
    locale: string | undefined,
    exposures: Map<string, string>
  ): LiveVariant | null => {
    const variants = pluginService(strapi, 'variants');
    const key = variants.entryKey(documentId, locale);
    const experiments = outcome.preview || outcome.degraded || !state.visitorId ? undefined : pluginService(strapi, 'experiments').running();
    const decide = (experiment: RunningExperiment | undefined) => {
      const decision = experiment ? decideArm(experiment, state.visitorId!, outcome.segments, outcome.assignments) : null;
      if (decision) {
        state.experiments[decision.experiment] = decision.arm;
        if (decision.firstExposure) exposures.set(decision.experimentId, decision.arm);
      }
      return decision;
    };
    const onEntry = decide(experiments?.byEntry.get(entryTarget(uid, documentId, locale)));
    if (onEntry) return onEntry.servesBase ? null : (index.byArm.get(variants.armKey(key, onEntry.experiment, onEntry.arm)) ?? null);
    const variant = pickVariant(index.bySegment.get(key), outcome.segments);
    // A segment-level experiment tests this segment's variants against the base entry.
    const onSegment = variant ? decide(experiments?.bySegment.get(variant.segment)) : null;
    return onSegment?.servesBase ? null : variant;
  };

  const personalize = async (context: DocumentContext, state: RequestPersonalization, ctx: Context, result: unknown) => {
    const entries = (Array.isArray(result) ? result : result ? [result] : []) as Record<string, unknown>[];
    state.touched = true;
    const [outcome, index] = await Promise.all([state.visitor(previewAllowed(ctx)), pluginService(strapi, 'variants').index(context.uid)]);
    const variants = pluginService(strapi, 'variants');
    const shape = variants.shapeOf(context.uid);
    // An entry read with `fields=` may come without its locale: it is the one the query asked for.
    const queriedLocale = shape.localized ? ((context.params.locale as string | undefined) ?? (await defaultLocale())) : undefined;
    const exposures = new Map<string, string>();
    const picks: { entry: Record<string, unknown>; variant: LiveVariant; locale: string | undefined }[] = [];
    for (const entry of entries) {
      const documentId = entry.documentId as string;
      const locale = shape.localized ? ((entry.locale as string | undefined) ?? queriedLocale) : undefined;
      const variant = chooseVariant(state, outcome, index, context.uid, documentId, locale, exposures);
      state.noteEntry(documentId);
      if (variant) {
        picks.push({ entry, variant, locale });
        pluginService(strapi, 'stats').count(`served:${variant.key}`);
      }
    }
    await recordExposures(state, outcome, exposures);
    if (picks.length === 0) return;

    const references = referencesOnce(context, picks.map(({ variant }) => variant));
    const rootField = graphqlRootField.getStore();
    const present = picks.map(({ entry, variant }) => overridesIn(entry, variant.fields));
    const loading = [...new Set(present.flat())].filter((name) => shape.attributes[name] && overrideKind(shape.attributes[name]) !== 'value');
    const loaded = new Map(await Promise.all(loading.map(async (name) => [name, await references(name)] as const)));
    picks.forEach(({ entry, variant, locale }, i) => {
      const documentId = entry.documentId as string;
      const targets = present[i].filter((name) => loaded.has(name)).map((name) => [name, variants.referenceValue(context.uid, name, variant.fields[name], loaded.get(name)!)]);
      overlay(entry, variant.fields, { componentFields: shape.componentFields, nesting: shape.nesting, loaded: Object.fromEntries(targets) });
      // GraphQL reads documents without their components, relations and media and resolves every
      // field itself: its field resolvers serve the variant (graphql-entry-fields.ts) and say what was
      // served. REST serializes the document: the overridden fields it carries go into the answer.
      if (rootField !== undefined) state.rememberPick({ rootField, uid: context.uid, documentId, locale }, { variant, references });
      else if (present[i].length > 0) state.markServed(documentId, variant.key);
    });
  };

  /** The relation or media targets of one field across the picked variants, loaded at most once. */
  const referencesOnce = (context: DocumentContext, picked: { fields: Record<string, unknown> }[]) => {
    const loads = new Map<string, Promise<Map<string, unknown>>>();
    const options = { locale: context.params.locale as string | undefined, populate: context.params.populate };
    return (name: string) => {
      let load = loads.get(name);
      if (!load) {
        load = pluginService(strapi, 'variants').loadReferences(context.uid, name, picked, options);
        loads.set(name, load);
      }
      return load;
    };
  };

  /** First exposures are recorded as they are served (sticky arms); a store failure costs only the count. */
  const recordExposures = async (state: RequestPersonalization, outcome: VisitorOutcome, exposures: Map<string, string>) => {
    if (exposures.size === 0 || !state.visitorId) return;
    const now = Math.floor(Date.now() / 1000);
    const retentionSec = getPluginConfig(strapi).retentionDays * 86_400;
    await Promise.all(
      [...exposures].map(async ([experimentId, arm]) => {
        // Later reads in this request see the arm as recorded.
        outcome.assignments[experimentId] = { arm, at: now };
        await pluginService(strapi, 'store').experiments().recordExposure(state.visitorId!, experimentId, arm, now, retentionSec).catch(() => false);
      })
    );
  };

  return async (context: DocumentContext, next: () => Promise<unknown>) => {
    if (!READS.has(context.action) || !pluginService(strapi, 'contentTypes').isEnabled(context.uid)) return next();
    const ctx = requestOf();
    const state = ctx?.state.personalization as RequestPersonalization | undefined;
    if (!ctx || !state || personalizationSwitch.getStore() === false || context.params.status === 'draft') return next();

    // Read the visitor's segments and arms while the query runs.
    void state.visitor(previewAllowed(ctx));
    const result = await next();
    try {
      await personalize(context, state, ctx, result);
    } catch (error) {
      // The entries are overlaid only once everything is loaded: on failure they are still the base.
      strapi.log.error(`[personalization] serving ${context.uid} without variants: ${(error as Error).message}`);
    }
    return result;
  };
};
