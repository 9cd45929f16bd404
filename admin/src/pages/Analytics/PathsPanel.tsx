import { Box, Flex, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { useState } from 'react';
import type { PagePaths, Paths } from '../../api/types';
import { useApi } from '../../api/use-api';
import { useEnabledContentTypes } from '../../api/use-enabled-content-types';
import { Panel } from '../../components/Layout/Panel';
import { useTranslate } from '../../utils/use-translate';
import { PagePathsView } from './PagePathsView';
import { PathStep as Step } from './PathStep';

/**
 * Paths: where visitors go next, as a simple flow two steps deep, in two modes: from an entry (the
 * counts behind `next-v1`: its strongest next entries with their shares, and theirs), or from a
 * named page (its next pages and events with their shares, and a next page's own).
 */
export const PathsPanel = () => {
  const t = useTranslate();
  const [mode, setMode] = useState<'entries' | 'pages'>('entries');
  const [page, setPage] = useState<string | null>(null);
  const pagePaths = useApi<PagePaths>(mode === 'pages' ? `/personalization/paths${page ? `?page=${encodeURIComponent(page)}` : ''}` : null);
  const modePicker = (
    <Box minWidth="200px">
      <SingleSelect aria-label={t('analytics.paths.mode', 'Paths')} value={mode} onChange={(value: string | number) => setMode(value === 'pages' ? 'pages' : 'entries')}>
        <SingleSelectOption value="entries">{t('analytics.paths.mode.entries', 'From an entry')}</SingleSelectOption>
        <SingleSelectOption value="pages">{t('analytics.paths.mode.pages', 'From a page')}</SingleSelectOption>
      </SingleSelect>
    </Box>
  );
  if (mode === 'pages') {
    return (
      <Panel title={t('analytics.paths', 'Paths: where visitors go next')} testId="analytics-paths">
        <Flex direction="column" alignItems="stretch" gap={4}>
          {modePicker}
          <PagePathsView data={pagePaths.data} page={page} onPage={setPage} />
        </Flex>
      </Panel>
    );
  }
  return <EntryPaths modePicker={modePicker} />;
};

/** Paths between entries of a content type. */
const EntryPaths = ({ modePicker }: { modePicker: JSX.Element }) => {
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
          {modePicker}
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
