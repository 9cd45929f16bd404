import { Box, Flex, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import type { PagePaths } from '../../api/types';
import { useTranslate } from '../../utils/use-translate';
import { PathStep } from './PathStep';

/** A next step's label as the panel shows it: `page:Docs` is the page Docs, `event:Signup` the event. */
const useStepLabel = () => {
  const t = useTranslate();
  return (label: string) => {
    const colon = label.indexOf(':');
    const name = label.slice(colon + 1);
    return label.startsWith('event:') ? t('analytics.paths.event', 'Event: {name}', { name }) : name;
  };
};

/**
 * Page paths as a flow: a picker of the pages with the most transitions out, then where visitors
 * went next from the picked one (pages and events, with shares) and, from each next page, where next.
 */
export const PagePathsView = ({ data, page, onPage }: { data: PagePaths | undefined; page: string | null; onPage: (page: string) => void }) => {
  const t = useTranslate();
  const stepLabel = useStepLabel();
  const pages = [...new Set([...(page ? [page] : []), ...(data?.starts ?? [])])];
  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Box minWidth="280px">
        <SingleSelect
          aria-label={t('analytics.paths.fromPage', 'From the page')}
          placeholder={t('analytics.paths.pickPage', 'Pick one of the pages visitors most often go on from')}
          value={page ?? ''}
          onChange={(value: string | number) => onPage(String(value))}
        >
          {pages.map((name) => (
            <SingleSelectOption key={name} value={name}>
              {name}
            </SingleSelectOption>
          ))}
        </SingleSelect>
      </Box>
      {data && !page && data.starts.length === 0 && (
        <Typography textColor="neutral600">
          {t('analytics.paths.noPages', 'No visitor has gone on from a named page yet (page views need a name: psn.page("Pricing")).')}
        </Typography>
      )}
      {data?.from && data.steps.length === 0 && (
        <Typography textColor="neutral600">{t('analytics.paths.nonePage', 'No visitor has gone on from this page within a session yet.')}</Typography>
      )}
      {data?.from && data.steps.length > 0 && (
        <Flex direction="column" alignItems="stretch" gap={3} data-testid="paths-flow">
          <Typography variant="delta">{data.from}</Typography>
          {data.steps.map((step) => (
            <Flex key={step.label} direction="column" alignItems="stretch" gap={1} paddingLeft={4}>
              <PathStep label={stepLabel(step.label)} share={step.share} strong />
              <Flex direction="column" alignItems="stretch" gap={1} paddingLeft={6}>
                {step.next.map((next) => (
                  <PathStep key={next.label} label={stepLabel(next.label)} share={next.share} />
                ))}
              </Flex>
            </Flex>
          ))}
        </Flex>
      )}
    </Flex>
  );
};
