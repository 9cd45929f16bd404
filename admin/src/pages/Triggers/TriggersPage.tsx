import { Page } from '@strapi/strapi/admin';
import { Route, Routes } from 'react-router-dom';
import { PERMISSIONS } from '../../permissions';
import { TriggerForm } from './TriggerForm';
import { TriggerListPage } from './TriggerListPage';

/** Triggers: the list with the delivery log and dead letters, a new trigger, and one trigger's form. */
export const TriggersPage = () => (
  <Routes>
    <Route index element={<TriggerListPage />} />
    <Route path="new" element={<Page.Protect permissions={PERMISSIONS.triggers.create}><TriggerForm /></Page.Protect>} />
    <Route path=":documentId" element={<TriggerForm />} />
    <Route path="*" element={<Page.Error />} />
  </Routes>
);
