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
  return {
    listEnabled,
    isEnabled: (uid: string) => {
      enabledUids ??= new Set(listEnabled().map((contentType) => contentType.uid));
      return enabledUids.has(uid);
    },
  };
};

export default contentTypesService;
