import { extendContentTypeForm } from '../../admin/src/content-type-builder/extend-content-type-form';

/**
 * The Content-Type Builder only opens its forms in `strapi develop` (the test app runs without
 * auto-reload, where the builder is read-only), so the "Enable personalization" option is checked
 * here against the builder's forms API, the one i18n's "Localization" option uses.
 */
describe('Content-Type Builder option', () => {
  const extensions: { validator: () => Record<string, { validateSync(value: unknown): unknown }>; form: { advanced: () => unknown[] } }[] = [];
  extendContentTypeForm({ extendContentType: (extension) => extensions.push(extension as never) });

  it('adds one checkbox that writes pluginOptions.personalization.enabled', () => {
    expect(extensions).toHaveLength(1);
    expect(extensions[0].form.advanced()).toEqual([
      {
        name: 'pluginOptions.personalization.enabled',
        type: 'checkbox',
        intlLabel: { id: 'personalization.ctb.enabled.label', defaultMessage: 'Enable personalization' },
        description: { id: 'personalization.ctb.enabled.description', defaultMessage: expect.any(String) },
      },
    ]);
  });

  it('validates the option as a boolean', () => {
    const schema = extensions[0].validator().personalization;
    expect(schema.validateSync({ enabled: true })).toEqual({ enabled: true });
    expect(() => schema.validateSync({ enabled: 'sometimes' })).toThrow();
  });
});
