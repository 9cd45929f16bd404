import { useFetchClient } from '@strapi/strapi/admin';
import { useEffect, useState } from 'react';
import type { ContentTypeInfo } from './types';

let cached: Promise<ContentTypeInfo[]> | undefined;

/**
 * The personalization-enabled content types, fetched once per admin session (they change only
 * when Strapi restarts with a new schema). `undefined` while loading.
 */
export const useEnabledContentTypes = (): ContentTypeInfo[] | undefined => {
  const { get } = useFetchClient();
  const [types, setTypes] = useState<ContentTypeInfo[] | undefined>();
  useEffect(() => {
    let cancelled = false;
    cached ??= get<{ data: ContentTypeInfo[] }>('/personalization/content-types').then(
      (response) => response.data.data,
      (error: unknown) => {
        cached = undefined;
        throw error;
      }
    );
    cached.then((value) => !cancelled && setTypes(value)).catch(() => !cancelled && setTypes([]));
    return () => {
      cancelled = true;
    };
  }, [get]);
  return types;
};
