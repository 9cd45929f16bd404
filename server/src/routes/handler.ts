import type { PluginControllers } from '../controllers';

/** What a controller factory builds: its actions by name. */
type ActionsOf<Factory> = Factory extends (...args: never[]) => infer Actions ? Actions : never;

/** The actions of a controller that can handle a request (its function-valued members). */
type ActionNames<Actions> = { [Name in keyof Actions & string]: Actions[Name] extends (...args: never[]) => unknown ? Name : never }[keyof Actions & string];

/**
 * Every `<controller>.<action>` the plugin's controllers define. Strapi 5.54's types take a route's
 * handler as any string (its i18n plugin's `Core.RouterInputFor` is not in this release), so the
 * route helpers take this instead: renaming or removing an action without its route is a type error.
 */
export type HandlerName = {
  [Controller in keyof PluginControllers & string]: `${Controller}.${ActionNames<ActionsOf<PluginControllers[Controller]>>}`;
}[keyof PluginControllers & string];
