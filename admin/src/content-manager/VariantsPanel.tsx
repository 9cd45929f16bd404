import type { PanelComponent, PanelComponentProps } from '@strapi/content-manager/strapi-admin';
import { useRBAC } from '@strapi/strapi/admin';
import { useEnabledContentTypes } from '../api/use-enabled-content-types';
import { PERMISSIONS } from '../permissions';
import { useTranslate } from '../utils/use-translate';
import { VariantsPanelContent } from './VariantsPanelContent';

/**
 * The Content Manager side panel of a personalization-enabled entry: its variants, with add,
 * edit, duplicate, delete and preview. Hidden for other content types and without
 * `variants.read`.
 */
export const VariantsPanel: PanelComponent = ({ model, documentId, document }: PanelComponentProps) => {
  const t = useTranslate();
  const enabled = useEnabledContentTypes();
  const { allowedActions, isLoading } = useRBAC(PERMISSIONS.variants);
  if (!enabled?.some((type) => type.uid === model) || isLoading || !allowedActions.canRead) return null;
  const locale = typeof document?.locale === 'string' ? document.locale : null;
  return {
    title: t('panel.title', 'Personalization'),
    content: <VariantsPanelContent contentType={model} documentId={documentId} locale={locale} />,
  };
};
