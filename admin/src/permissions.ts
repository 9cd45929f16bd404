/** The plugin's RBAC actions, as the admin's permission hooks take them. */
const action = (uid: string) => [{ action: `plugin::personalization.${uid}`, subject: null }];

export const PERMISSIONS = {
  segments: { read: action('segments.read'), create: action('segments.create'), update: action('segments.update'), delete: action('segments.delete') },
  variants: { read: action('variants.read'), create: action('variants.create'), update: action('variants.update'), delete: action('variants.delete') },
  experiments: { read: action('experiments.read'), create: action('experiments.create'), update: action('experiments.update'), delete: action('experiments.delete') },
  analytics: { read: action('analytics.read') },
  clusters: { read: action('clusters.read'), run: action('clusters.run') },
  funnels: { read: action('analytics.read'), create: action('funnels.create'), update: action('funnels.update'), delete: action('funnels.delete') },
  triggers: { read: action('triggers.read'), create: action('triggers.create'), update: action('triggers.update'), delete: action('triggers.delete') },
  settings: { read: action('settings.read') },
};

/** Any of these lets the plugin's menu entry show. */
export const MENU_PERMISSIONS = [
  ...PERMISSIONS.segments.read,
  ...PERMISSIONS.analytics.read,
  ...PERMISSIONS.settings.read,
  ...PERMISSIONS.experiments.read,
  ...PERMISSIONS.clusters.read,
  ...PERMISSIONS.triggers.read,
];
