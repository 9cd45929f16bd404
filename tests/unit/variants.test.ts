import { rootFieldOf, type ResponsePath } from '../../server/src/variants/graphql-entry-fields';
import { componentFieldsByModel, overlay, overridesIn } from '../../server/src/variants/overlay';
import { overrideSchema } from '../../server/src/variants/override-schema';
import { byVariantPriority, pickVariant, type LiveVariant } from '../../server/src/variants/variant-selection';
import { describeIssue, zodIssues } from '../../server/src/shared/validation';

const variant = (key: string, segment: string, priority: number): LiveVariant => ({ key, segment, priority, fields: {} });

describe('pickVariant', () => {
  const variants = [variant('a', 'video', 20), variant('b', 'tech', 10), variant('c', 'new', 10), variant('d', 'tech', 5)].sort(byVariantPriority);

  it('takes the highest-priority variant whose segment the visitor is in', () => {
    expect(pickVariant(variants, ['tech', 'video'])?.key).toBe('a');
    expect(pickVariant(variants, ['tech'])?.key).toBe('b');
  });

  it('breaks a tie of variant priority by the visitor’s segment order', () => {
    expect(pickVariant(variants, ['new', 'tech'])?.key).toBe('c');
    expect(pickVariant(variants, ['tech', 'new'])?.key).toBe('b');
  });

  it('returns null (the base entry) without a matching segment, segments or variants', () => {
    expect(pickVariant(variants, ['gardening'])).toBeNull();
    expect(pickVariant(variants, [])).toBeNull();
    expect(pickVariant(undefined, ['tech'])).toBeNull();
  });
});

describe('overlay', () => {
  const componentFields = new Set(['hero', 'sections']);

  it('changes only fields present in the entry', () => {
    const entry = { documentId: 'd', title: 'Base', cta: 'Read' };
    expect(overlay(entry, { cta: 'Watch', summary: 'not selected' }, { componentFields })).toEqual({ documentId: 'd', title: 'Base', cta: 'Watch' });
  });

  it('replaces components whole, keeping the base ids where there are some', () => {
    const entry = { hero: { id: 7, headline: 'Base', buttonLabel: 'Go' }, sections: [{ id: 1, __component: 'a', text: 'x' }] };
    overlay(entry, { hero: { headline: 'New' }, sections: [{ __component: 'b', text: 'y' }, { __component: 'a', text: 'z' }] }, { componentFields });
    expect(entry).toEqual({
      hero: { id: 7, headline: 'New' },
      sections: [{ id: 1, __component: 'b', text: 'y' }, { id: -2, __component: 'a', text: 'z' }],
    });
  });

  it('gives components nested in an overridden one placeholder ids (no base is at hand for them)', () => {
    const byModel = componentFieldsByModel({
      'api::page.page': { attributes: { sections: { type: 'dynamiczone' }, hero: { type: 'component', component: 'x.hero' } } },
      'x.hero': { attributes: { headline: { type: 'string' }, button: { type: 'component', component: 'x.button' } } },
      'x.feature': { attributes: { buttons: { type: 'component', component: 'x.button' } } },
      'x.button': { attributes: { text: { type: 'string' } } },
    });
    const entry = { hero: { id: 9, headline: 'Base' }, sections: [{ id: 4, __component: 'x.feature' }] };
    overlay(
      entry,
      { hero: { headline: 'New', button: { text: 'a' } }, sections: [{ __component: 'x.feature', buttons: [{ text: 'b' }, { text: 'c' }] }] },
      { componentFields, nesting: { uid: 'api::page.page', byModel } }
    );
    expect(entry).toEqual({
      hero: { id: 9, headline: 'New', button: { id: -1, text: 'a' } },
      sections: [{ id: 4, __component: 'x.feature', buttons: [{ id: -1, text: 'b' }, { id: -2, text: 'c' }] }],
    });
  });

  it('puts loaded relations and media in place of their ids', () => {
    const entry = { author: { documentId: 'base' } };
    overlay(entry, { author: 'guest' }, { componentFields, loaded: { author: { documentId: 'guest', name: 'Guest' } } });
    expect(entry.author).toEqual({ documentId: 'guest', name: 'Guest' });
  });
});

describe('overridesIn', () => {
  it('names the overridden fields the entry carries: those that go into the answer', () => {
    expect(overridesIn({ title: 'Base', hero: null }, { cta: 'Watch', hero: { headline: 'New' } })).toEqual(['hero']);
    expect(overridesIn({ title: 'Base' }, { cta: 'Watch' })).toEqual([]);
  });
});

describe('rootFieldOf', () => {
  /** A response path from its keys, root first, each with the type owning the field (lists: numbers). */
  const path = (...segments: [string | number, string?][]): ResponsePath =>
    segments.reduce<ResponsePath | undefined>((prev, [key, typename]) => ({ prev, key, typename }), undefined)!;
  const isEntryType = (name: string) => ['Article', 'Author', 'ComponentSectionsHero'].includes(name);

  it('finds the root field of an entry it returned, alone, in a list or in the nodes of a connection', () => {
    expect(rootFieldOf(path(['on', 'Query'], ['cta', 'Article']), isEntryType)).toBe('on');
    expect(rootFieldOf(path(['articles', 'Query'], [3], ['hero', 'Article']), isEntryType)).toBe('articles');
    expect(rootFieldOf(path(['articles_connection', 'Query'], ['nodes', 'ArticleEntityResponseCollection'], [0], ['cta', 'Article']), isEntryType)).toBe(
      'articles_connection'
    );
  });

  it('gives null for an entry reached through a relation of another entry or of a component', () => {
    expect(rootFieldOf(path(['articles', 'Query'], [0], ['author', 'Article'], ['articles', 'Author'], [1], ['cta', 'Article']), isEntryType)).toBeNull();
    expect(rootFieldOf(path(['page', 'Query'], ['hero', 'Page'], ['article', 'ComponentSectionsHero'], ['cta', 'Article']), isEntryType)).toBeNull();
  });
});

describe('overrideSchema', () => {
  const schema = overrideSchema(
    {
      title: { type: 'string', required: true, maxLength: 10 },
      kind: { type: 'enumeration', enum: ['a', 'b'] },
      count: { type: 'integer', min: 0 },
      flag: { type: 'boolean' },
      day: { type: 'date' },
      body: { type: 'blocks' },
      meta: { type: 'json' },
      hero: { type: 'component', component: 'x.hero' },
      list: { type: 'component', component: 'x.hero', repeatable: true },
      zone: { type: 'dynamiczone', components: ['x.hero'] },
      author: { type: 'relation', relation: 'manyToOne', target: 'api::author.author' },
      tags: { type: 'relation', relation: 'manyToMany', target: 'api::tag.tag' },
      cover: { type: 'media', multiple: false },
      gallery: { type: 'media', multiple: true },
      slug: { type: 'uid' },
      createdAt: { type: 'datetime' },
    },
    { 'x.hero': { attributes: { headline: { type: 'string' }, image: { type: 'media' } } } }
  );
  const errors = (fields: unknown) => {
    const result = schema.safeParse(fields);
    return result.success ? [] : zodIssues(result.error).map(describeIssue);
  };

  it('accepts a value of the right type for each kind of attribute', () => {
    expect(
      errors({
        title: 'Short', kind: 'b', count: 3, flag: true, day: '2026-11-24', body: [{ type: 'paragraph', children: [] }], meta: { a: [1] },
        hero: { headline: 'H' }, list: [{ headline: 'A' }], zone: [{ __component: 'x.hero', headline: 'Z' }],
        author: 'doc-1', tags: ['t1', 't2'], cover: 12, gallery: [1, 2],
      })
    ).toEqual([]);
    expect(errors({ hero: null, author: null, cover: null })).toEqual([]);
  });

  it.each([
    [{ title: 'far too long a title' }, 'title: longer than 10 characters'],
    [{ title: null }, 'title: expected text'],
    [{ kind: 'c' }, 'kind: expected one of a, b; got "c"'],
    [{ count: -1 }, 'count: below the minimum 0'],
    [{ count: 1.5 }, 'count: expected a whole number'],
    [{ flag: 'yes' }, 'flag: expected true or false'],
    [{ day: '24/11/2026' }, 'day: expected a date YYYY-MM-DD'],
    [{ body: 'text' }, 'body: expected rich text blocks (a list)'],
    [{ hero: { headline: 'H', colour: 'red' } }, 'hero: unknown field "colour"'],
    [{ hero: { image: 3 } }, 'hero.image: media and relations inside a component cannot be overridden'],
    [{ zone: [{ __component: 'x.other' }] }, 'zone[0].__component: expected one of x.hero'],
    [{ author: ['a', 'b'] }, 'author: expected a documentId'],
    [{ tags: 'one' }, 'tags: expected a list of documentIds'],
    [{ cover: 'file' }, 'cover: expected a media file id'],
    [{ slug: 'x' }, 'slug: "slug" (uid) cannot be overridden'],
    [{ createdAt: '2026-01-01T00:00:00Z' }, 'createdAt: "createdAt" is managed by Strapi and cannot be overridden'],
    [{ nope: 1 }, 'nope: unknown field "nope" for this content type'],
    [{}, 'expected at least one field to override'],
  ])('refuses %j', (fields, message) => {
    expect(errors(fields)).toContain(message);
  });
});
