import { useCallback, useEffect, useState } from 'react';
import { useFetchClient } from '@strapi/strapi/admin';

/** GET a plugin admin route (`{ data, meta? }`); `reload` fetches again. */
export const useApi = <T, M = unknown>(path: string | null) => {
  const { get } = useFetchClient();
  const [state, setState] = useState<{ data?: T; meta?: M; error?: unknown; loading: boolean }>({ loading: path !== null });
  const [version, setVersion] = useState(0);

  useEffect(() => {
    if (path === null) return undefined;
    let cancelled = false;
    setState((previous) => ({ ...previous, loading: true }));
    get<{ data: T; meta?: M }>(path).then(
      (response) => !cancelled && setState({ loading: false, data: response.data.data, meta: response.data.meta }),
      (error: unknown) => !cancelled && setState({ loading: false, error })
    );
    return () => {
      cancelled = true;
    };
  }, [get, path, version]);

  const reload = useCallback(() => setVersion((value) => value + 1), []);
  return { ...state, reload };
};
