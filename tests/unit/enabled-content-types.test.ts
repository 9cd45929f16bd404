import { isPersonalizationEnabled, listEnabledContentTypes } from '../../server/src/content/enabled-content-types';

describe('enabled content types', () => {
  const contentTypes = {
    'api::page.page': { uid: 'api::page.page', kind: 'collectionType', info: { displayName: 'Page' }, pluginOptions: { personalization: { enabled: true } } },
    'api::article.article': { uid: 'api::article.article', info: { displayName: 'Article' }, pluginOptions: { i18n: { localized: true }, personalization: { enabled: true } } },
    'api::home.home': { uid: 'api::home.home', kind: 'singleType', pluginOptions: { personalization: { enabled: true } } },
    'api::author.author': { uid: 'api::author.author', pluginOptions: {} },
    'api::tag.tag': { uid: 'api::tag.tag', pluginOptions: { personalization: { enabled: 'yes' } } },
    'api::note.note': { uid: 'api::note.note', pluginOptions: { personalization: { enabled: false } } },
    'api::plain.plain': { uid: 'api::plain.plain' },
  };

  it('lists only types that set pluginOptions.personalization.enabled to true, sorted by uid', () => {
    expect(listEnabledContentTypes(contentTypes)).toEqual([
      { uid: 'api::article.article', kind: 'collectionType', displayName: 'Article' },
      { uid: 'api::home.home', kind: 'singleType', displayName: 'api::home.home' },
      { uid: 'api::page.page', kind: 'collectionType', displayName: 'Page' },
    ]);
  });

  it('treats anything but a literal true as disabled', () => {
    expect(isPersonalizationEnabled(contentTypes['api::tag.tag'])).toBe(false);
    expect(isPersonalizationEnabled(contentTypes['api::note.note'])).toBe(false);
    expect(isPersonalizationEnabled(contentTypes['api::plain.plain'])).toBe(false);
  });
});
