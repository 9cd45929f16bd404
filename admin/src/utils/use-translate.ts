import { useCallback } from 'react';
import { useIntl } from 'react-intl';
import { getTranslation } from './getTranslation';

export type Translate = (id: string, defaultMessage: string, values?: Record<string, string | number>) => string;

/**
 * `t('segments.title', 'Segments')`: a plugin message by id, with its English text inline so a
 * reader sees what is shown. Every id is listed in translations/en.json (a unit test checks it).
 */
export const useTranslate = (): Translate => {
  const { formatMessage } = useIntl();
  return useCallback(
    (id, defaultMessage, values) => formatMessage({ id: getTranslation(id), defaultMessage }, values),
    [formatMessage]
  );
};
