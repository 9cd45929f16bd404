import { Alert, EmptyStateLayout, Flex, LinkButton, Tabs } from '@strapi/design-system';
import { Plus } from '@strapi/icons';
import { Layouts, Page, useRBAC } from '@strapi/strapi/admin';
import { Link, useSearchParams } from 'react-router-dom';
import type { Trigger, TriggersMeta } from '../../api/types';
import { useApi } from '../../api/use-api';
import { PERMISSIONS } from '../../permissions';
import { useTranslate } from '../../utils/use-translate';
import { DeliveryLog } from './DeliveryLog';
import { TriggersTable } from './TriggersTable';

const TABS = ['triggers', 'log', 'dead'] as const;
type Tab = (typeof TABS)[number];

/** Triggers: the list with each one's last week, the delivery log and the dead letters, as tabs (`?tab=`). */
export const TriggerListPage = () => {
  const t = useTranslate();
  const [params, setParams] = useSearchParams();
  const { allowedActions } = useRBAC(PERMISSIONS.triggers);
  const triggers = useApi<Trigger[], TriggersMeta>('/personalization/triggers');
  const tab: Tab = TABS.find((candidate) => candidate === params.get('tab')) ?? 'triggers';

  if (triggers.loading && !triggers.data) return <Page.Loading />;
  if (triggers.error || !triggers.data || !triggers.meta) return <Page.Error />;
  const names = Object.fromEntries(triggers.data.map((trigger) => [trigger.slug, trigger.name]));

  return (
    <Page.Main>
      <Page.Title>{t('triggers.title', 'Triggers')}</Page.Title>
      <Layouts.Header
        title={t('triggers.title', 'Triggers')}
        subtitle={t('triggers.subtitle', 'Act when behavior happens: on the page, or by a signed POST to your systems')}
        primaryAction={
          allowedActions.canCreate ? (
            <LinkButton tag={Link} to="new" startIcon={<Plus />}>
              {t('triggers.new', 'New trigger')}
            </LinkButton>
          ) : undefined
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          {!triggers.meta.enabled && (
            <Alert variant="warning" title={t('triggers.disabled.title', 'Triggers are off')} closeLabel={t('common.close', 'Close')}>
              {t('triggers.disabled', 'triggers.enabled is false in the plugin config: nothing is matched, scheduled or sent.')}
            </Alert>
          )}
          <Tabs.Root value={tab} onValueChange={(value: string) => setParams(value === 'triggers' ? {} : { tab: value }, { replace: true })}>
            <Tabs.List aria-label={t('triggers.tabs', 'Triggers and deliveries')}>
              <Tabs.Trigger value="triggers">{t('triggers.tab.triggers', 'Triggers')}</Tabs.Trigger>
              <Tabs.Trigger value="log">{t('triggers.tab.log', 'Delivery log')}</Tabs.Trigger>
              <Tabs.Trigger value="dead">{t('triggers.tab.dead', 'Dead letters')}</Tabs.Trigger>
            </Tabs.List>
            <Tabs.Content value="triggers">
              {triggers.data.length === 0 ? (
                <EmptyStateLayout content={t('triggers.empty', 'No triggers yet. A trigger acts when a visitor does something (or stops doing it): a message on the page, or an e-mail through your mailer.')} />
              ) : (
                <TriggersTable triggers={triggers.data} canTest={allowedActions.canUpdate} />
              )}
            </Tabs.Content>
            <Tabs.Content value="log">
              <DeliveryLog status="recent" names={names} canReplay={allowedActions.canUpdate} />
            </Tabs.Content>
            <Tabs.Content value="dead">
              <DeliveryLog status="dead" names={names} canReplay={allowedActions.canUpdate} />
            </Tabs.Content>
          </Tabs.Root>
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};
