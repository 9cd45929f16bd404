import * as yup from 'yup';
import { getTranslation } from '../utils/getTranslation';

interface ContentTypeBuilderForms {
  extendContentType(extension: { validator: () => Record<string, unknown>; form: { advanced: () => unknown[] } }): void;
}

/**
 * The Content-Type Builder's "Enable personalization" checkbox in a content type's advanced
 * settings. It writes `pluginOptions.personalization.enabled` into the schema, as i18n's
 * "Localization" checkbox writes `pluginOptions.i18n.localized`.
 */
export const extendContentTypeForm = (forms: ContentTypeBuilderForms) => {
  forms.extendContentType({
    validator: () => ({ personalization: yup.object().shape({ enabled: yup.bool() }) }),
    form: {
      advanced: () => [
        {
          name: 'pluginOptions.personalization.enabled',
          type: 'checkbox',
          intlLabel: { id: getTranslation('ctb.enabled.label'), defaultMessage: 'Enable personalization' },
          description: {
            id: getTranslation('ctb.enabled.description'),
            defaultMessage: 'Entries can have variants per segment, served through REST and GraphQL',
          },
        },
      ],
    },
  });
};
