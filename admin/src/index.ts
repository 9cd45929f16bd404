import { PluginIcon } from './components/PluginIcon';
import { VariantsPanel } from './content-manager/VariantsPanel';
import { extendContentTypeForm } from './content-type-builder/extend-content-type-form';
import { MENU_PERMISSIONS } from './permissions';
import { PLUGIN_ID } from './pluginId';

/** The parts of Strapi's admin app this plugin uses. */
interface AdminApp {
  addMenuLink(link: unknown): void;
  registerPlugin(plugin: { id: string; name: string }): void;
  getPlugin(id: string): { apis: Record<string, unknown> } | undefined;
}

const prefixKeys = (messages: Record<string, string>) =>
  Object.fromEntries(Object.entries(messages).map(([key, value]) => [`${PLUGIN_ID}.${key}`, value]));

export default {
  register(app: AdminApp) {
    app.addMenuLink({
      to: `plugins/${PLUGIN_ID}`,
      icon: PluginIcon,
      intlLabel: { id: `${PLUGIN_ID}.plugin.name`, defaultMessage: 'Personalization' },
      // Shown to roles that may read at least one of the plugin's pages.
      permissions: MENU_PERMISSIONS,
      // A dynamic import with a default export, as Strapi's router expects (an async wrapper is deprecated).
      Component: () => import('./pages/App').then((module) => ({ default: module.App })),
    });
    app.registerPlugin({ id: PLUGIN_ID, name: PLUGIN_ID });
  },

  bootstrap(app: AdminApp) {
    const contentManager = app.getPlugin('content-manager')?.apis as { addEditViewSidePanel?: (panels: unknown[]) => void } | undefined;
    contentManager?.addEditViewSidePanel?.([VariantsPanel]);
    const contentTypeBuilder = app.getPlugin('content-type-builder')?.apis as { forms?: Parameters<typeof extendContentTypeForm>[0] } | undefined;
    if (contentTypeBuilder?.forms) extendContentTypeForm(contentTypeBuilder.forms);
  },

  async registerTrads({ locales }: { locales: string[] }) {
    return Promise.all(
      locales.map(async (locale) => {
        try {
          const { default: data } = await import(`./translations/${locale}.json`);
          return { data: prefixKeys(data), locale };
        } catch {
          return { data: {}, locale };
        }
      })
    );
  },
};
