import { SubNav, SubNavHeader, SubNavLink, SubNavSection, SubNavSections } from '@strapi/design-system';
import { Layouts, Page, useRBAC } from '@strapi/strapi/admin';
import type { ReactNode } from 'react';
import { NavLink, Navigate, Route, Routes } from 'react-router-dom';
import { PERMISSIONS } from '../permissions';
import { useTranslate } from '../utils/use-translate';
import { AnalyticsPage } from './Analytics/AnalyticsPage';
import { ClustersPage } from './Clusters/ClustersPage';
import { ExperimentsPage } from './Experiments/ExperimentsPage';
import { PreviewPage } from './Preview/PreviewPage';
import { SegmentEditPage } from './Segments/SegmentEditPage';
import { SegmentsPage } from './Segments/SegmentsPage';
import { SettingsPage } from './Settings/SettingsPage';
import { TriggersPage } from './Triggers/TriggersPage';

const Protect = ({ permissions, children }: { permissions: { action: string; subject: null }[]; children: ReactNode }) => (
  <Page.Protect permissions={permissions}>{children}</Page.Protect>
);

/**
 * The plugin's pages under /admin/plugins/personalization, with a side navigation showing only
 * the pages the user's role may read. A new page is one link and one route here.
 */
export const App = () => {
  const t = useTranslate();
  const segments = useRBAC(PERMISSIONS.segments);
  const experiments = useRBAC(PERMISSIONS.experiments);
  const analytics = useRBAC(PERMISSIONS.analytics);
  const clusters = useRBAC(PERMISSIONS.clusters);
  const triggers = useRBAC(PERMISSIONS.triggers);
  const settings = useRBAC(PERMISSIONS.settings);
  if ([segments, experiments, analytics, clusters, triggers, settings].some((access) => access.isLoading)) return <Page.Loading />;

  const links = [
    { to: 'segments', label: t('nav.segments', 'Segments'), allowed: segments.allowedActions.canRead },
    { to: 'experiments', label: t('nav.experiments', 'Experiments'), allowed: experiments.allowedActions.canRead },
    { to: 'triggers', label: t('nav.triggers', 'Triggers'), allowed: triggers.allowedActions.canRead },
    { to: 'clusters', label: t('nav.clusters', 'Clusters'), allowed: clusters.allowedActions.canRead },
    { to: 'analytics', label: t('nav.analytics', 'Analytics'), allowed: analytics.allowedActions.canRead },
    { to: 'settings', label: t('nav.settings', 'Settings'), allowed: settings.allowedActions.canRead },
  ].filter((link) => link.allowed);

  return (
    <Layouts.Root
      sideNav={
        <SubNav aria-label={t('plugin.name', 'Personalization')}>
          <SubNavHeader label={t('plugin.name', 'Personalization')} />
          <SubNavSections>
            <SubNavSection label={t('nav.section', 'Personalization')}>
              {links.map((link) => (
                <SubNavLink key={link.to} tag={NavLink} to={link.to}>
                  {link.label}
                </SubNavLink>
              ))}
            </SubNavSection>
          </SubNavSections>
        </SubNav>
      }
    >
      <Routes>
        <Route index element={links.length > 0 ? <Navigate to={links[0].to} replace /> : <Page.NoPermissions />} />
        <Route path="segments" element={<Protect permissions={PERMISSIONS.segments.read}><SegmentsPage /></Protect>} />
        <Route path="segments/new" element={<Protect permissions={PERMISSIONS.segments.create}><SegmentEditPage /></Protect>} />
        <Route path="segments/:documentId" element={<Protect permissions={PERMISSIONS.segments.read}><SegmentEditPage /></Protect>} />
        <Route path="experiments/*" element={<Protect permissions={PERMISSIONS.experiments.read}><ExperimentsPage /></Protect>} />
        <Route path="triggers/*" element={<Protect permissions={PERMISSIONS.triggers.read}><TriggersPage /></Protect>} />
        <Route path="clusters" element={<Protect permissions={PERMISSIONS.clusters.read}><ClustersPage /></Protect>} />
        <Route path="analytics" element={<Protect permissions={PERMISSIONS.analytics.read}><AnalyticsPage /></Protect>} />
        <Route path="settings" element={<Protect permissions={PERMISSIONS.settings.read}><SettingsPage /></Protect>} />
        <Route path="preview" element={<Protect permissions={PERMISSIONS.variants.read}><PreviewPage /></Protect>} />
        <Route path="*" element={<Page.Error />} />
      </Routes>
    </Layouts.Root>
  );
};
