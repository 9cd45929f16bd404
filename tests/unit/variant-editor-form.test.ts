import { editableFields } from '../../server/src/variants/editor/editable-fields';
import { editorPopulate, toOverrideForm } from '../../server/src/variants/editor/override-form';
import { overrideSchema, type Attributes, type ComponentsByUid } from '../../server/src/variants/override-schema';

const components: ComponentsByUid = {
  'shared.quote': { attributes: { text: { type: 'string' }, photo: { type: 'media' } } },
  'shared.card': { attributes: { title: { type: 'string' }, quote: { type: 'component', component: 'shared.quote' }, link: { type: 'relation', relation: 'oneToOne', target: 'api::x.x' } } },
};
const attributes: Attributes = {
  title: { type: 'string', required: true },
  slug: { type: 'uid' },
  secret: { type: 'password' },
  locale: { type: 'string' },
  createdAt: { type: 'datetime' },
  status: { type: 'enumeration', enum: ['a', 'b'] },
  cover: { type: 'media', multiple: false },
  gallery: { type: 'media', multiple: true },
  author: { type: 'relation', relation: 'manyToOne', target: 'api::author.author' },
  tags: { type: 'relation', relation: 'manyToMany', target: 'api::tag.tag' },
  card: { type: 'component', component: 'shared.card' },
  cards: { type: 'component', component: 'shared.card', repeatable: true },
  zone: { type: 'dynamiczone', components: ['shared.quote', 'shared.card'] },
};

describe('variant editor: fields and base values (pure)', () => {
  it('lists what a variant may override, with what an input needs', () => {
    const fields = editableFields(attributes);
    expect(fields.map((field) => field.name)).toEqual(['title', 'status', 'cover', 'gallery', 'author', 'tags', 'card', 'cards', 'zone']);
    expect(fields.find((field) => field.name === 'status')).toEqual({ name: 'status', type: 'enumeration', kind: 'value', required: false, enum: ['a', 'b'] });
    expect(fields.find((field) => field.name === 'tags')).toMatchObject({ kind: 'relation', target: 'api::tag.tag', relation: 'manyToMany' });
    expect(fields.find((field) => field.name === 'zone')).toMatchObject({ components: ['shared.quote', 'shared.card'] });
  });

  it('turns a stored entry into override values that the override schema accepts', () => {
    const entry = {
      id: 7,
      documentId: 'doc',
      title: 'T',
      slug: 't',
      status: 'a',
      cover: { id: 3, url: '/c.jpg' },
      gallery: [{ id: 4 }, { id: 5 }],
      author: { id: 9, documentId: 'auth1', name: 'A' },
      tags: [{ id: 1, documentId: 'tag1' }],
      card: { id: 11, title: 'Card', quote: { id: 12, text: 'Q', photo: { id: 3 } }, link: { documentId: 'x1' } },
      cards: [{ id: 13, title: 'One', quote: null }],
      zone: [{ id: 14, __component: 'shared.quote', text: 'Z', photo: null }],
    };
    const form = toOverrideForm(entry, attributes, components);
    expect(form).toEqual({
      title: 'T',
      status: 'a',
      cover: 3,
      gallery: [4, 5],
      author: 'auth1',
      tags: ['tag1'],
      card: { title: 'Card', quote: { text: 'Q' } },
      cards: [{ title: 'One', quote: null }],
      zone: [{ __component: 'shared.quote', text: 'Z' }],
    });
    expect(overrideSchema(attributes, components).safeParse(form).success).toBe(true);
  });

  it('reads empty relations and media as empty values, and leaves out fields the entry does not have', () => {
    expect(toOverrideForm({ cover: null, gallery: null, author: null, tags: [] }, attributes, components)).toEqual({ cover: null, gallery: [], author: null, tags: [] });
  });

  it('populates relations and media of the entry and nested components, not media inside components', () => {
    expect(editorPopulate(attributes, components)).toEqual({
      cover: true,
      gallery: true,
      author: true,
      tags: true,
      card: { populate: { quote: true } },
      cards: { populate: { quote: true } },
      zone: { on: { 'shared.quote': true, 'shared.card': { populate: { quote: true } } } },
    });
  });
});
