import { Page } from '@strapi/strapi/admin';
import { Route, Routes } from 'react-router-dom';
import { PERMISSIONS } from '../../permissions';
import { ExperimentCreatePage } from './ExperimentCreatePage';
import { ExperimentListPage } from './ExperimentListPage';
import { ExperimentResultsPage } from './ExperimentResultsPage';

/** Experiments: the list, a new experiment, and one experiment's results and lifecycle. */
export const ExperimentsPage = () => (
  <Routes>
    <Route index element={<ExperimentListPage />} />
    <Route path="new" element={<Page.Protect permissions={PERMISSIONS.experiments.create}><ExperimentCreatePage /></Page.Protect>} />
    <Route path=":documentId" element={<ExperimentResultsPage />} />
    <Route path="*" element={<Page.Error />} />
  </Routes>
);
