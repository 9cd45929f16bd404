import { Box, Flex, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { useState } from 'react';
import { useIntl } from 'react-intl';
import type { Paths } from '../../api/types';
import { useApi } from '../../api/use-api';
import { useEnabledContentTypes } from '../../api/use-enabled-content-types';
import { Panel } from '../../components/Layout/Panel';
import { useTranslate } from '../../utils/use-translate';

/** One step as a bar: its share of the steps from the entry before it. */
const Step = ({ label, share, strong }: { label: string; share: number; strong?: boolean }) => {
  const { formatNumber } = useIntl();
  return (
    <Flex gap={2} alignItems="center" data-testid="paths-step">
      <Box background={strong ? 'primary600' : 'primary200'} style={{ width: `${Math.max(2, Math.round(share * 120))}px`, height: 8, borderRadius: 4 }} />
      <Typography fontWeight={strong ? 'bold' : undefined}>{label}</Typography>
      <Typography textColor="neutral600">{formatNumber(share, { style: 'percent', maximumFractionDigits: 0 })}</Typography>
    </Flex>
  );
};

/**
 * Paths: where visitors went next from an entry, two steps deep (the counts behind `next-v1`), as
 * a simple flow: the entry, its strongest next entries with their shares, and theirs.
 */
export const PathsPanel = () => {
  const t = useTranslate();
  const types = useEnabledContentTypes();
  const [contentType, setContentType] = useState<string | null>(null);
  const [documentId, setDocumentId] = useState<string | null>(null);
  const uid = contentType ?? types?.[0]?.uid ?? null;
  const paths = useApi<Paths>(uid ? `/personalization/paths?contentType=${encodeURIComponent(uid)}${documentId ? `&documentId=${encodeURIComponent(documentId)}` : ''}` : null);
  const data = paths.data;
  return (
    <Panel title={t('analytics.paths', 'Paths: where visitors go next')} testId="analytics-paths">
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Flex gap={4} wrap="wrap">
          <Box minWidth="220px">
            <SingleSelect
              aria-label={t('analytics.paths.contentType', 'Content type')}
              value={uid ?? ''}
              onChange={(value: string | number) => {
                setContentType(String(value));
                setDocumentId(null);
              }}
            >
              {(types ?? []).map((type) => (
                <SingleSelectOption key={type.uid} value={type.uid}>
                  {type.displayName}
                </SingleSelectOption>
              ))}
            </SingleSelect>
          </Box>
          <Box minWidth="280px">
            <SingleSelect
              aria-label={t('analytics.paths.from', 'From the entry')}
              placeholder={t('analytics.paths.pick', 'Pick one of the most engaged-with entries')}
              value={documentId ?? ''}
              onChange={(value: string | number) => setDocumentId(String(value))}
            >
              {(data?.starts ?? []).map((entry) => (
                <SingleSelectOption key={entry.documentId} value={entry.documentId}>
                  {entry.label}
                </SingleSelectOption>
              ))}
            </SingleSelect>
          </Box>
        </Flex>
        {data?.from && data.steps.length === 0 && (
          <Typography textColor="neutral600">{t('analytics.paths.none', 'No visitor has gone on from this entry to another of its type within an hour yet.')}</Typography>
        )}
        {data?.from && data.steps.length > 0 && (
          <Flex direction="column" alignItems="stretch" gap={3} data-testid="paths-flow">
            <Typography variant="delta">{data.from.label}</Typography>
            {data.steps.map((step) => (
              <Flex key={step.documentId} direction="column" alignItems="stretch" gap={1} paddingLeft={4}>
                <Step label={step.label} share={step.share} strong />
                <Flex direction="column" alignItems="stretch" gap={1} paddingLeft={6}>
                  {step.next.map((next) => (
                    <Step key={next.documentId} label={next.label} share={next.share} />
                  ))}
                </Flex>
              </Flex>
            ))}
          </Flex>
        )}
      </Flex>
    </Panel>
  );
};
