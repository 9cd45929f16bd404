/**
 * Admin RBAC actions of the plugin, registered in bootstrap; a route names the full uid
 * `plugin::personalization.<uid>` in its `admin::hasPermissions` policy.
 */
export const ACTIONS = [
  { uid: 'segments.read', displayName: 'Read segments', subCategory: 'Segments' },
  { uid: 'segments.create', displayName: 'Create segments', subCategory: 'Segments' },
  { uid: 'segments.update', displayName: 'Update segments', subCategory: 'Segments' },
  { uid: 'segments.delete', displayName: 'Delete segments', subCategory: 'Segments' },
  { uid: 'variants.read', displayName: 'Read variants', subCategory: 'Variants' },
  { uid: 'variants.create', displayName: 'Create variants', subCategory: 'Variants' },
  { uid: 'variants.update', displayName: 'Update variants', subCategory: 'Variants' },
  { uid: 'variants.delete', displayName: 'Delete variants', subCategory: 'Variants' },
  { uid: 'experiments.read', displayName: 'Read experiments and results', subCategory: 'Experiments' },
  { uid: 'experiments.create', displayName: 'Create experiments', subCategory: 'Experiments' },
  { uid: 'experiments.update', displayName: 'Update, start, pause and stop experiments', subCategory: 'Experiments' },
  { uid: 'experiments.delete', displayName: 'Delete experiments', subCategory: 'Experiments' },
  { uid: 'profiles.read', displayName: 'Look up visitor profiles', subCategory: 'Profiles' },
  { uid: 'profiles.erase', displayName: 'Erase visitor profiles', subCategory: 'Profiles' },
  { uid: 'analytics.read', displayName: 'Read analytics', subCategory: 'Analytics' },
  { uid: 'analytics.rollup', displayName: 'Roll up analytics history now', subCategory: 'Analytics' },
  { uid: 'clusters.read', displayName: 'Read clusters', subCategory: 'Clusters' },
  { uid: 'clusters.run', displayName: 'Run clustering', subCategory: 'Clusters' },
  { uid: 'triggers.read', displayName: 'Read triggers and their deliveries', subCategory: 'Triggers' },
  { uid: 'triggers.create', displayName: 'Create triggers', subCategory: 'Triggers' },
  { uid: 'triggers.update', displayName: 'Update triggers, replay dead letters, send tests', subCategory: 'Triggers' },
  { uid: 'triggers.delete', displayName: 'Delete triggers', subCategory: 'Triggers' },
  { uid: 'funnels.create', displayName: 'Create funnels', subCategory: 'Funnels' },
  { uid: 'funnels.update', displayName: 'Update funnels', subCategory: 'Funnels' },
  { uid: 'funnels.delete', displayName: 'Delete funnels', subCategory: 'Funnels' },
  { uid: 'settings.read', displayName: 'Read settings and store status', subCategory: 'Settings' },
] as const;

export type ActionUid = (typeof ACTIONS)[number]['uid'];

export const actionId = (uid: ActionUid) => `plugin::personalization.${uid}`;

/** The policy that guards an admin route with one of our actions. */
export const requires = (uid: ActionUid) => ({
  name: 'admin::hasPermissions',
  config: { actions: [actionId(uid)] },
});
