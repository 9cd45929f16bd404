import type { Core } from '@strapi/strapi';
import {
  listEnabledContentTypes,
  type ContentTypeLike,
  type EnabledContentType,
} from './enabled-content-types';

/** `strapi.plugin('personalization').service('contentTypes')`: which content types are personalized. */
const contentTypesService = ({ strapi }: { strapi: Core.Strapi }) => {
  // Content types are fixed for the life of the process (a schema change restarts Strapi).
  let enabled: EnabledContentType[] | undefined;
  let enabledUids: Set<string> | undefined;
  const listEnabled = () => {
    enabled ??= listEnabledContentTypes(strapi.contentTypes as unknown as Record<string, ContentTypeLike>);
    return enabled;
  };
  const isEnabled = (uid: string) => {
    enabledUids ??= new Set(listEnabled().map((contentType) => contentType.uid));
    return enabledUids.has(uid);
  };
  return {
    listEnabled,
    isEnabled,
    /**
     * The uid of a personalized content type named by its uid (`api::movie.movie`) or its singular
     * name (`movie`, as events and the tracker's `data-psn-entry` may say); undefined otherwise.
     */
    resolveUid: (name: unknown): string | undefined => {
      if (typeof name !== 'string') return undefined;
      if (isEnabled(name)) return name;
      return listEnabled().find(({ uid }) => strapi.contentType(uid as never)?.info.singularName === name)?.uid;
    },
  };
};

export default contentTypesService;
