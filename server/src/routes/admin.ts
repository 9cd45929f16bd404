import { requires, type ActionUid } from '../permissions';
import type { HandlerName } from './handler';

const route = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, handler: HandlerName, action?: ActionUid) => ({
  method,
  path,
  handler,
  config: { policies: ['admin::isAuthenticatedAdmin', ...(action ? [requires(action)] : [])] },
});

/** Admin routes, mounted under `/personalization`; each needs an admin session and an RBAC action. */
export default {
  type: 'admin' as const,
  routes: [
    route('GET', '/content-types', 'contentTypes.list'),
    route('GET', '/preview', 'preview.show', 'variants.read'),
    route('GET', '/analytics', 'analytics.overview', 'analytics.read'),
    route('GET', '/history', 'history.status', 'analytics.read'),
    route('POST', '/history/rollup', 'history.rollUp', 'analytics.rollup'),
    route('GET', '/paths', 'paths.show', 'analytics.read'),
    route('GET', '/funnels', 'funnels.list', 'analytics.read'),
    route('POST', '/funnels', 'funnels.create', 'funnels.create'),
    route('GET', '/funnels/:id', 'funnels.find', 'analytics.read'),
    route('PUT', '/funnels/:id', 'funnels.update', 'funnels.update'),
    route('DELETE', '/funnels/:id', 'funnels.remove', 'funnels.delete'),
    route('GET', '/funnels/:id/report', 'funnels.report', 'analytics.read'),
    route('GET', '/settings', 'settings.find', 'settings.read'),
    route('GET', '/profiles', 'adminProfiles.find', 'profiles.read'),
    route('DELETE', '/profiles', 'adminProfiles.erase', 'profiles.erase'),

    // Fixed paths before `/segments/:id`.
    route('GET', '/segments', 'segments.list', 'segments.read'),
    route('POST', '/segments', 'segments.create', 'segments.create'),
    route('GET', '/segments/facts', 'segments.facts', 'segments.read'),
    route('GET', '/segments/templates', 'segments.templates', 'segments.read'),
    route('POST', '/segments/templates/:key', 'segments.addTemplate', 'segments.create'),
    route('POST', '/segments/validate', 'segments.validate', 'segments.read'),
    route('GET', '/segments/reevaluation', 'segments.reevaluationStatus', 'segments.read'),
    route('POST', '/segments/reevaluation', 'segments.reevaluate', 'segments.update'),
    route('GET', '/segments/log', 'segments.log', 'segments.read'),
    route('GET', '/segments/:id', 'segments.find', 'segments.read'),
    route('PUT', '/segments/:id', 'segments.update', 'segments.update'),
    route('DELETE', '/segments/:id', 'segments.remove', 'segments.delete'),
    route('GET', '/segments/:id/members', 'segments.members', 'segments.read'),
    route('GET', '/segments/:id/sizes', 'segments.sizes', 'segments.read'),

    route('GET', '/clusters', 'clusters.overview', 'clusters.read'),
    route('POST', '/clusters/run', 'clusters.run', 'clusters.run'),
    route('POST', '/clusters/:clusterId/segment', 'clusters.makeSegment', 'segments.create'),

    // Fixed paths before `/triggers/:id`.
    route('GET', '/triggers', 'triggers.list', 'triggers.read'),
    route('POST', '/triggers', 'triggers.create', 'triggers.create'),
    route('GET', '/triggers/deliveries', 'triggers.deliveries', 'triggers.read'),
    route('GET', '/triggers/deliveries/:id', 'triggers.delivery', 'triggers.read'),
    route('POST', '/triggers/deliveries/:id/replay', 'triggers.replay', 'triggers.update'),
    route('GET', '/triggers/:id', 'triggers.find', 'triggers.read'),
    route('PUT', '/triggers/:id', 'triggers.update', 'triggers.update'),
    route('DELETE', '/triggers/:id', 'triggers.remove', 'triggers.delete'),
    route('POST', '/triggers/:id/test', 'triggers.test', 'triggers.update'),

    route('GET', '/variants', 'variants.list', 'variants.read'),
    route('GET', '/variants/editor', 'variantEditor.show', 'variants.read'),
    route('POST', '/variants', 'variants.create', 'variants.create'),
    route('GET', '/variants/:id', 'variants.find', 'variants.read'),
    route('PUT', '/variants/:id', 'variants.update', 'variants.update'),
    route('DELETE', '/variants/:id', 'variants.remove', 'variants.delete'),

    route('GET', '/experiments', 'experiments.list', 'experiments.read'),
    route('POST', '/experiments', 'experiments.create', 'experiments.create'),
    route('GET', '/experiments/:id', 'experiments.find', 'experiments.read'),
    route('PUT', '/experiments/:id', 'experiments.update', 'experiments.update'),
    route('DELETE', '/experiments/:id', 'experiments.remove', 'experiments.delete'),
    route('POST', '/experiments/:id/start', 'experiments.start', 'experiments.update'),
    route('POST', '/experiments/:id/pause', 'experiments.pause', 'experiments.update'),
    route('POST', '/experiments/:id/stop', 'experiments.stop', 'experiments.update'),
    route('GET', '/experiments/:id/results', 'experiments.results', 'experiments.read'),
  ],
};
