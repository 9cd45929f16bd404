import { useEffect, useState } from 'react';
import { useFetchClient } from '@strapi/strapi/admin';

export interface StoreHealth {
  status: 'ok' | 'degraded';
  store: 'redis' | 'memory';
  redis: { connected: boolean; latencyMs: number | null };
}

export interface EnabledContentType {
  uid: string;
  kind: 'collectionType' | 'singleType';
  displayName: string;
}

export interface Overview {
  health: StoreHealth;
  contentTypes: EnabledContentType[];
}

/** Loads the store health and the personalized content types for the overview page. */
export const useOverview = () => {
  const { get } = useFetchClient();
  const [state, setState] = useState<{ data?: Overview; error?: unknown; loading: boolean }>({
    loading: true,
  });

  useEffect(() => {
    let cancelled = false;
    Promise.all([
      get<{ data: StoreHealth }>('/api/personalization/health'),
      get<{ data: EnabledContentType[] }>('/personalization/content-types'),
    ]).then(
      ([health, contentTypes]) => {
        if (!cancelled) {
          setState({ loading: false, data: { health: health.data.data, contentTypes: contentTypes.data.data } });
        }
      },
      (error: unknown) => {
        if (!cancelled) setState({ loading: false, error });
      }
    );
    return () => {
      cancelled = true;
    };
  }, [get]);

  return state;
};
