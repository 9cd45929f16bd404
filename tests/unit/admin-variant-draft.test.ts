import { blocksToText, isPlainParagraphs, textToBlocks } from '../../admin/src/content-manager/blocks-text';
import { changedFields, createBody, differsFromBase, draftOf, newDraft, toggleOverride, updateBody } from '../../admin/src/content-manager/variant-draft';
import type { Variant } from '../../admin/src/api/types';

const variant: Variant = {
  id: 'v1',
  contentType: 'api::article.article',
  documentId: 'doc1',
  locale: 'en',
  segment: 'fans',
  experiment: null,
  arm: null,
  label: 'For fans',
  priority: 5,
  enabled: true,
  live: true,
  disabledReason: null,
  fields: { cta: 'Watch', hero: { headline: 'Hi' } },
};

describe('variant editor draft (pure)', () => {
  it('starts an override from the base value and drops it when unticked', () => {
    let draft = toggleOverride(newDraft(), 'hero', true, { headline: 'Base' });
    expect(draft.fields).toEqual({ hero: { headline: 'Base' } });
    draft = toggleOverride(draft, 'hero', false, null);
    expect(draft.fields).toEqual({});
  });

  it('tells which overrides differ from the base, whatever the key order', () => {
    expect(differsFromBase({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(false);
    expect(differsFromBase('', null)).toBe(true);
    expect(differsFromBase(undefined, null)).toBe(false);
    expect(changedFields({ fields: { cta: 'Watch', title: 'Same' } }, { cta: 'Read', title: 'Same' })).toEqual(['cta']);
  });

  it('edits a copy: a duplicate is a new segment variant, an edit keeps its experiment arm', () => {
    const copy = draftOf(variant, { copy: true });
    expect(copy).toMatchObject({ audience: 'segment', segment: 'fans', label: 'For fans (copy)', priority: 5 });
    copy.fields.cta = 'Changed';
    expect(variant.fields.cta).toBe('Watch');
    expect(draftOf({ ...variant, segment: null, experiment: 'exp', arm: 'b' })).toMatchObject({ audience: 'arm', experiment: 'exp', arm: 'b' });
  });

  it('builds the bodies of the variants API', () => {
    const draft = draftOf(variant);
    expect(createBody(draft, { contentType: 'api::page.page', documentId: 'doc2', locale: null })).toEqual({
      contentType: 'api::page.page',
      documentId: 'doc2',
      segment: 'fans',
      label: 'For fans',
      priority: 5,
      enabled: true,
      fields: variant.fields,
    });
    expect(createBody({ ...draft, audience: 'arm', experiment: 'exp', arm: 'b' }, { contentType: 'api::article.article', documentId: 'd', locale: 'en' })).toMatchObject({
      locale: 'en',
      experiment: 'exp',
      arm: 'b',
    });
    expect(updateBody({ ...draft, label: '' })).toEqual({ segment: 'fans', label: null, priority: 5, enabled: true, fields: variant.fields });
    expect(updateBody({ ...draft, audience: 'arm' })).not.toHaveProperty('segment');
  });
});

describe('rich text as plain paragraphs (pure)', () => {
  it('round-trips plain paragraphs', () => {
    const blocks = textToBlocks('First line\nstill first\n\n\nSecond');
    expect(blocks).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: 'First line\nstill first' }] },
      { type: 'paragraph', children: [{ type: 'text', text: 'Second' }] },
    ]);
    expect(blocksToText(blocks)).toBe('First line\nstill first\n\nSecond');
    expect(isPlainParagraphs(blocks)).toBe(true);
  });

  it('offers plain text only when nothing would be lost', () => {
    expect(isPlainParagraphs(null)).toBe(true);
    expect(isPlainParagraphs([{ type: 'heading', level: 2, children: [{ type: 'text', text: 'H' }] }])).toBe(false);
    expect(isPlainParagraphs([{ type: 'paragraph', children: [{ type: 'text', text: 'B', bold: true }] }])).toBe(false);
    expect(isPlainParagraphs([{ type: 'paragraph', children: [{ type: 'link', url: 'x', children: [] }] }])).toBe(false);
  });
});
