import { Badge, Box, Flex, SingleSelect, SingleSelectOption, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { Layouts, Page } from '@strapi/strapi/admin';
import { useSearchParams } from 'react-router-dom';
import type { Segment } from '../../api/types';
import { useApi } from '../../api/use-api';
import { TableHead } from '../../components/Layout/TableHead';
import { useTranslate } from '../../utils/use-translate';

interface Preview {
  segment: string;
  variant: string | null;
  changed: string[];
  base: Record<string, unknown>;
  personalized: Record<string, unknown>;
}

const HIDDEN = new Set(['id', 'documentId', 'createdAt', 'updatedAt', 'publishedAt', 'locale', 'localizations', 'createdBy', 'updatedBy']);
const show = (value: unknown) => (value == null ? '—' : typeof value === 'object' ? JSON.stringify(value) : String(value));

/**
 * "Preview as segment": the published entry side by side with what a member of the segment is
 * served, the overridden fields marked. Opened from the Content Manager's Personalization panel.
 */
export const PreviewPage = () => {
  const t = useTranslate();
  const [params, setParams] = useSearchParams();
  const segments = useApi<Segment[]>('/personalization/segments');
  const preview = useApi<Preview>(params.get('segment') ? `/personalization/preview?${params.toString()}` : null);
  const fields = preview.data ? Object.keys(preview.data.base).filter((name) => !HIDDEN.has(name)) : [];

  return (
    <Page.Main>
      <Page.Title>{t('preview.title', 'Preview as segment')}</Page.Title>
      <Layouts.Header
        title={t('preview.title', 'Preview as segment')}
        subtitle={t('preview.subtitle', '{type} {documentId}, published version', { type: params.get('contentType') ?? '', documentId: params.get('documentId') ?? '' })}
        primaryAction={
          <Box minWidth="240px">
            <SingleSelect
              aria-label={t('preview.segment', 'Segment')}
              value={params.get('segment') ?? ''}
              onChange={(value: string | number) => {
                const next = new URLSearchParams(params);
                next.set('segment', String(value));
                setParams(next);
              }}
            >
              {(segments.data ?? []).map((segment) => (
                <SingleSelectOption key={segment.slug} value={segment.slug}>
                  {segment.name}
                </SingleSelectOption>
              ))}
            </SingleSelect>
          </Box>
        }
      />
      <Layouts.Content>
        {preview.loading && <Page.Loading />}
        {preview.error ? (
          <Typography textColor="danger600">{t('preview.error', 'No published entry to preview: drafts are never personalized.')}</Typography>
        ) : null}
        {preview.data && (
          <Flex direction="column" alignItems="stretch" gap={4}>
            <Typography data-testid="preview-variant">
              {preview.data.variant
                ? t('preview.variant', 'A member of this segment gets variant {variant}, which changes {fields}.', { variant: preview.data.variant, fields: preview.data.changed.join(', ') })
                : t('preview.none', 'No variant for this segment: its members see the base entry.')}
            </Typography>
            <Table colCount={3} rowCount={fields.length + 1}>
              <TableHead
                labels={[
                  t('preview.field', 'Field'),
                  t('preview.base', 'Base entry'),
                  t('preview.personalized', 'As the segment sees it'),
                ]}
              />
              <Tbody>
                {fields.map((name) => {
                  const changed = preview.data!.changed.includes(name);
                  return (
                    <Tr key={name}>
                      <Td>
                        <Flex gap={2}>
                          <Typography fontWeight="bold">{name}</Typography>
                          {changed && <Badge textColor="primary700" backgroundColor="primary100">{t('preview.changed', 'changed')}</Badge>}
                        </Flex>
                      </Td>
                      <Td style={{ maxWidth: 420 }}><Typography ellipsis>{show(preview.data!.base[name])}</Typography></Td>
                      <Td style={{ maxWidth: 420 }}><Typography ellipsis textColor={changed ? 'primary700' : undefined}>{show(preview.data!.personalized[name])}</Typography></Td>
                    </Tr>
                  );
                })}
              </Tbody>
            </Table>
          </Flex>
        )}
      </Layouts.Content>
    </Page.Main>
  );
};
