import request from 'supertest';
import { adminToken } from '../helpers/admin';
import { BROWSER_UA, credentialFor, pageEvent, trackEvent, visitorId } from '../helpers/events';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

/**
 * REST and GraphQL serve a visitor the same thing: one matrix of reads (every kind of field, findOne,
 * lists with filters, sort and pagination, a connection query, REST `fields`, two locales, drafts,
 * entries reached through relations), each run through both APIs by the same visitor and compared
 * field by field, with what each reports in `variants`.
 */

const ARTICLE = 'api::article.article';
const PAGE = 'api::page.page';
const AUTHOR = 'api::author.author';
const FILE = 'plugin::upload.file';

/**
 * What a read selects: `true` for a field, a nested selection for a component, relation or media,
 * and under `'...'` the selection of each dynamic-zone member by its GraphQL type.
 */
interface Selection {
  [field: string]: true | Selection;
}
const MEMBERS = '...';

/** The GraphQL selection set. */
const graphqlSelection = (selection: Selection): string =>
  Object.entries(selection)
    .map(([name, sub]) => {
      if (sub === true) return name;
      if (name === MEMBERS) return Object.entries(sub).map(([type, fields]) => `... on ${type} { ${graphqlSelection(fields as Selection)} }`).join(' ');
      return `${name} { ${graphqlSelection(sub)} }`;
    })
    .join(' ');

const KEYS = new Set(['id', 'documentId', '__typename']);

/**
 * The REST parameters that ask for the same fields: `fields` for the selected scalars (so that both
 * answers carry the same fields, and report the same variants), `populate` for the rest, each with
 * its own `fields`; a dynamic zone's members by component (`on`) when one of them nests a component.
 */
const restParams = (selection: Selection, componentOf: (typeName: string) => string, at = ''): string[] => {
  const scoped = (name: string) => (at ? `${at}[${name}]` : name);
  const scalars = Object.keys(selection).filter((name) => selection[name] === true && !KEYS.has(name));
  return [
    ...scalars.map((name, index) => `${scoped('fields')}[${index}]=${name}`),
    ...Object.entries(selection).flatMap(([name, sub]) => {
      if (sub === true) return [];
      const populate = `${scoped('populate')}[${name}]`;
      const members = Object.entries((sub[MEMBERS] as Record<string, Selection> | undefined) ?? {});
      if (members.some(([, member]) => Object.values(member).some((field) => field !== true))) {
        return members.flatMap(([type, member]) => restParams(member, componentOf, `${populate}[on][${componentOf(type)}]`));
      }
      const nested = members.length > 0 ? [] : restParams(sub, componentOf, populate);
      return nested.length > 0 ? nested : [`${populate}=true`];
    }),
  ];
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

interface ReadCase {
  /** REST path and query, without fields and populate (derived from the selection). */
  rest: string;
  /** The GraphQL root field with its arguments. */
  graphql: string;
  /** A connection query: the entries are its `nodes`. */
  nodes?: boolean;
  selection: Selection;
}

interface Fixture {
  article: string;
  second: string;
  page: string;
  baseAuthor: string;
  guestAuthor: string;
  files: Record<'baseCover' | 'variantCover' | 'one' | 'two' | 'three', { id: number; documentId: string }>;
  baseHeroId: number;
  baseHighlightIds: number[];
  variants: Record<'articleEnFans' | 'articleFrFans' | 'articleEnWatchers' | 'secondFans' | 'pageFans', string>;
}

const HERO: Selection = { id: true, headline: true, buttonLabel: true };
const HIGHLIGHT: Selection = { id: true, text: true, buttonLabel: true };
const FILE_FIELDS: Selection = { documentId: true, name: true, url: true };
/** Every kind of field of an article: scalars, rich text, a component, a repeatable one, a relation, media. */
const EVERY_ARTICLE_FIELD: Selection = {
  documentId: true,
  title: true,
  cta: true,
  summary: true,
  body: true,
  readingMinutes: true,
  hero: HERO,
  highlights: HIGHLIGHT,
  author: { documentId: true, name: true },
  cover: FILE_FIELDS,
};

const READS: Record<string, (f: Fixture) => ReadCase> = {
  'findOne, every kind of field': (f) => ({ rest: `/api/articles/${f.article}`, graphql: `article(documentId: "${f.article}")`, selection: EVERY_ARTICLE_FIELD }),
  'findOne in the second locale': (f) => ({
    rest: `/api/articles/${f.article}?locale=fr`,
    graphql: `article(documentId: "${f.article}", locale: "fr")`,
    selection: EVERY_ARTICLE_FIELD,
  }),
  'list with a filter, sort and pagination': () => ({
    rest: '/api/articles?filters[topic][$eq]=Sci-Fi&sort=title:desc&pagination[page]=1&pagination[pageSize]=2',
    graphql: 'articles(filters: { topic: { eq: "Sci-Fi" } }, sort: "title:desc", pagination: { page: 1, pageSize: 2 })',
    selection: EVERY_ARTICLE_FIELD,
  }),
  'list, second page': () => ({
    rest: '/api/articles?sort=title:asc&pagination[page]=2&pagination[pageSize]=2',
    graphql: 'articles(sort: "title:asc", pagination: { page: 2, pageSize: 2 })',
    selection: { documentId: true, cta: true, hero: HERO },
  }),
  'list in the second locale': () => ({
    rest: '/api/articles?locale=fr',
    graphql: 'articles(locale: "fr")',
    selection: { documentId: true, title: true, cta: true, hero: HERO, highlights: HIGHLIGHT },
  }),
  'connection query (nodes)': () => ({
    rest: '/api/articles?sort=title:asc',
    graphql: 'articles_connection(sort: "title:asc")',
    nodes: true,
    selection: { documentId: true, cta: true, body: true, hero: HERO, highlights: HIGHLIGHT },
  }),
  'a few scalar fields': (f) => ({ rest: `/api/articles/${f.article}`, graphql: `article(documentId: "${f.article}")`, selection: { title: true, summary: true } }),
  'only fields no variant overrides': (f) => ({ rest: `/api/articles/${f.article}`, graphql: `article(documentId: "${f.article}")`, selection: { documentId: true, title: true } }),
  'drafts (never personalized)': (f) => ({
    rest: `/api/articles/${f.article}?status=draft`,
    graphql: `article(documentId: "${f.article}", status: DRAFT)`,
    selection: EVERY_ARTICLE_FIELD,
  }),
  'dynamic zone, to-many relation and multiple media': (f) => ({
    rest: `/api/pages/${f.page}`,
    graphql: `page(documentId: "${f.page}")`,
    selection: {
      title: true,
      sections: {
        __typename: true,
        [MEMBERS]: {
          ComponentSectionsHero: HERO,
          ComponentSectionsCtaBanner: HIGHLIGHT,
          ComponentSectionsRichText: { id: true, body: true },
          ComponentSectionsFeature: { id: true, title: true, button: HIGHLIGHT },
        },
      },
      featured: { documentId: true, title: true, cta: true, hero: { headline: true } },
      gallery: FILE_FIELDS,
    },
  }),
  'entries reached through a relation are not personalized': () => ({
    rest: '/api/articles?sort=title:asc',
    graphql: 'articles(sort: "title:asc")',
    selection: { documentId: true, cta: true, hero: HERO, author: { name: true, articles: { documentId: true, cta: true, hero: HERO } } },
  }),
  'a non-personalized type with personalized entries nested': () => ({
    rest: '/api/authors?sort=name:asc',
    graphql: 'authors(sort: "name:asc")',
    selection: { name: true, articles: { documentId: true, cta: true, hero: { headline: true } } },
  }),
};

describe('GraphQL serves what REST serves', () => {
  let redis: PrivateRedis;
  let app: TestApp;
  let token: string;
  let f: Fixture;
  /** `fan` gets variants of every entry; `watcher` one that overrides only `summary`; `outsider` none. */
  const visitors = { fan: visitorId(), watcher: visitorId(), outsider: visitorId() };
  type Reader = keyof typeof visitors | 'anonymous';

  const admin = (method: 'post', path: string) => request(app.server)[method](`/personalization${path}`).set('Authorization', `Bearer ${token}`);
  /** The variant's id, as reports name it. */
  const createVariant = async (body: object): Promise<string> => (await admin('post', '/variants').send(body).expect(201)).body.data.id;
  const withVisitor = (call: request.Test, reader: Reader) => (reader === 'anonymous' ? call : call.set('X-Visitor-Token', credentialFor(app, visitors[reader])));
  const rest = (reader: Reader, path: string) => withVisitor(request(app.server).get(path), reader).expect(200);
  const graphql = async (reader: Reader, query: string) => {
    const response = await withVisitor(request(app.server).post('/graphql').send({ query }), reader).expect(200);
    expect(response.body.errors).toBeUndefined();
    return response;
  };

  /** A REST value in the shape GraphQL answers the selection: its fields only, ids as strings, members typed. */
  const project = (value: unknown, selection: Selection): unknown => {
    if (Array.isArray(value)) return value.map((item) => project(item, selection));
    if (!isObject(value)) return value ?? null;
    const projected: Record<string, unknown> = {};
    for (const [name, sub] of Object.entries(selection)) {
      if (name === MEMBERS) continue;
      if (name === '__typename') projected.__typename = app.strapi.components[value.__component as never].globalId;
      else if (sub === true) projected[name] = name === 'id' ? String(value.id) : (value[name] ?? null);
      else projected[name] = project(value[name], sub);
    }
    const member = (selection[MEMBERS] as Selection | undefined)?.[projected.__typename as string];
    return member ? { ...projected, ...(project(value, member as Selection) as object) } : projected;
  };

  /** The same read through both APIs: the entries as each serves them, and each one's report. */
  const readBoth = async (reader: Reader, read: ReadCase) => {
    const componentOf = (typeName: string) => Object.values(app.strapi.components).find(({ globalId }) => globalId === typeName)!.uid;
    const params = restParams(read.selection, componentOf);
    const restPath = params.length > 0 ? `${read.rest}${read.rest.includes('?') ? '&' : '?'}${params.join('&')}` : read.rest;
    const selection = graphqlSelection(read.selection);
    const [restResponse, graphqlResponse] = [await rest(reader, restPath), await graphql(reader, `{ result: ${read.graphql} { ${read.nodes ? `nodes { ${selection} }` : selection} } }`)];
    const result = graphqlResponse.body.data.result;
    return {
      rest: project(restResponse.body.data, read.selection),
      graphql: read.nodes ? result.nodes : result,
      restReport: restResponse.body.meta.personalization,
      graphqlReport: graphqlResponse.body.extensions?.personalization,
    };
  };

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({ redisUrl: redis.url, pluginConfig: { resolve: { timeoutMs: 1000 } } });
    token = await adminToken(app, { email: 'parity-admin@example.com' });
    await app.strapi.plugin('i18n').service('locales').create({ code: 'fr', name: 'French (fr)' });

    const file = async (name: string) =>
      (await app.strapi.db.query(FILE).create({
        data: { name, hash: `${name}_hash`, ext: '.png', mime: 'image/png', size: 1.5, url: `/uploads/${name}_hash.png`, provider: 'local', width: 10, height: 10 },
      })) as { id: number; documentId: string };
    const files = { baseCover: await file('base-cover'), variantCover: await file('variant-cover'), one: await file('one'), two: await file('two'), three: await file('three') };
    const baseAuthor = await app.strapi.documents(AUTHOR).create({ data: { name: 'Base Author' } });
    const guestAuthor = await app.strapi.documents(AUTHOR).create({ data: { name: 'Guest Author' } });
    const paragraph = (text: string) => [{ type: 'paragraph', children: [{ type: 'text', text }] }];

    const article = await app.strapi.documents(ARTICLE).create({
      data: {
        title: 'Ten films that saw the future',
        topic: 'Sci-Fi',
        cta: 'Read more',
        summary: 'Base summary',
        body: paragraph('Base body'),
        readingMinutes: 7,
        author: baseAuthor.documentId,
        cover: files.baseCover.id,
        hero: { headline: 'Base headline', buttonLabel: 'Go' },
        highlights: [{ text: 'Base one', buttonLabel: 'One' }, { text: 'Base two' }],
      },
      locale: 'en',
      status: 'published',
    } as never);
    await app.strapi.documents(ARTICLE).update({
      documentId: article.documentId,
      locale: 'fr',
      data: { title: 'Dix films', cta: 'Lire la suite', body: paragraph('Corps'), hero: { headline: 'Titre' }, highlights: [{ text: 'Un' }] },
      status: 'published',
    } as never);
    // A draft change that no read of published content may show.
    await app.strapi.documents(ARTICLE).update({ documentId: article.documentId, locale: 'en', data: { cta: 'Draft CTA', hero: { headline: 'Draft headline' } } } as never);
    const second = await app.strapi.documents(ARTICLE).create({
      data: { title: 'Second article', topic: 'Sci-Fi', cta: 'Second CTA', author: baseAuthor.documentId, hero: { headline: 'Second headline' } },
      locale: 'en',
      status: 'published',
    } as never);
    await app.strapi.documents(ARTICLE).create({ data: { title: 'Another Sci-Fi article', topic: 'Sci-Fi', cta: 'Third CTA' }, locale: 'en', status: 'published' } as never);
    await app.strapi.documents(ARTICLE).create({ data: { title: 'A drama', topic: 'Drama', cta: 'Drama CTA' }, locale: 'en', status: 'published' } as never);
    const page = await app.strapi.documents(PAGE).create({
      data: {
        title: 'Home',
        sections: [
          { __component: 'sections.hero', headline: 'Welcome', buttonLabel: 'Start' },
          { __component: 'sections.cta-banner', text: 'Join', buttonLabel: 'Sign up' },
          { __component: 'sections.feature', title: 'Base feature', button: { text: 'Base button' } },
        ],
        featured: [second.documentId],
        gallery: [files.one.id],
      },
      status: 'published',
    } as never);

    for (const [slug, rules] of [
      ['fans', { fact: 'topics.Technology', op: 'gte', value: 0.3 }],
      ['watchers', { fact: 'category.video', op: 'gte', value: 1 }],
    ] as const) {
      await admin('post', '/segments').send({ name: slug, slug, rules }).expect(201);
    }
    const send = (id: string, events: object[]) =>
      request(app.server).post('/api/personalization/events').set('User-Agent', BROWSER_UA).send({ anonymousId: id, events }).expect(202);
    await send(visitors.fan, [pageEvent({ properties: { topic: 'Technology' } })]);
    await send(visitors.watcher, [trackEvent('Video Playback Started', { category: 'video', action: 'play' })]);
    await send(visitors.outsider, [pageEvent({ properties: { topic: 'Gardening' } })]);

    const published = (await app.strapi.documents(ARTICLE).findOne({ documentId: article.documentId, locale: 'en', status: 'published', populate: ['hero', 'highlights'] } as never)) as unknown as {
      hero: { id: number };
      highlights: { id: number }[];
    };
    f = {
      article: article.documentId,
      second: second.documentId,
      page: page.documentId,
      baseAuthor: baseAuthor.documentId,
      guestAuthor: guestAuthor.documentId,
      files,
      baseHeroId: published.hero.id,
      baseHighlightIds: published.highlights.map(({ id }) => id),
      variants: {
        articleEnFans: await createVariant({
          contentType: ARTICLE,
          documentId: article.documentId,
          locale: 'en',
          segment: 'fans',
          fields: {
            cta: 'Try the API',
            body: paragraph('For builders'),
            hero: { headline: 'Build with us', buttonLabel: 'Start' },
            // One item more than the base: it has no base id to take.
            highlights: [{ text: 'Variant one', buttonLabel: 'V1' }, { text: 'Variant two' }, { text: 'Variant three' }],
            author: guestAuthor.documentId,
            cover: files.variantCover.id,
          },
        }),
        articleFrFans: await createVariant({
          contentType: ARTICLE,
          documentId: article.documentId,
          locale: 'fr',
          segment: 'fans',
          fields: { cta: 'Essayez l’API', hero: { headline: 'Construire' }, highlights: [] },
        }),
        articleEnWatchers: await createVariant({ contentType: ARTICLE, documentId: article.documentId, locale: 'en', segment: 'watchers', fields: { summary: 'For watchers' } }),
        secondFans: await createVariant({ contentType: ARTICLE, documentId: second.documentId, locale: 'en', segment: 'fans', fields: { cta: 'Second, for fans', hero: null } }),
        pageFans: await createVariant({
          contentType: PAGE,
          documentId: page.documentId,
          segment: 'fans',
          fields: {
            sections: [
              { __component: 'sections.rich-text', body: paragraph('Hello, builder') },
              { __component: 'sections.hero', headline: 'Welcome, builder' },
              { __component: 'sections.cta-banner', text: 'Read the docs' },
              // A nested component: its own id is a placeholder, in both APIs.
              { __component: 'sections.feature', title: 'Variant feature', button: { text: 'Variant button', buttonLabel: 'Go' } },
            ],
            featured: [article.documentId, second.documentId],
            gallery: [files.two.id, files.three.id],
          },
        }),
      },
    };
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  const readers: Reader[] = ['fan', 'watcher', 'outsider', 'anonymous'];
  const matrix = Object.keys(READS).flatMap((read) => readers.map((reader) => [read, reader] as const));

  it.each(matrix)('%s, read by %s: the same entries and the same report', async (read, reader) => {
    const both = await readBoth(reader, READS[read](f));
    expect(both.graphql).toEqual(both.rest);
    expect(both.graphqlReport?.variants).toEqual(both.restReport?.variants);
    if (reader === 'anonymous') expect(both.restReport).toBeUndefined();
  });

  describe('what the matrix compares is personalized', () => {
    it('serves a fan every overridden kind of field, with the base ids at the same positions', async () => {
      const { graphql: served, graphqlReport } = await readBoth('fan', READS['findOne, every kind of field'](f));
      expect(served).toEqual({
        documentId: f.article,
        title: 'Ten films that saw the future',
        cta: 'Try the API',
        summary: 'Base summary',
        body: [{ type: 'paragraph', children: [{ type: 'text', text: 'For builders' }] }],
        readingMinutes: 7,
        hero: { id: String(f.baseHeroId), headline: 'Build with us', buttonLabel: 'Start' },
        highlights: [
          { id: String(f.baseHighlightIds[0]), text: 'Variant one', buttonLabel: 'V1' },
          { id: String(f.baseHighlightIds[1]), text: 'Variant two', buttonLabel: null },
          { id: '-3', text: 'Variant three', buttonLabel: null },
        ],
        author: { documentId: f.guestAuthor, name: 'Guest Author' },
        cover: { documentId: f.files.variantCover.documentId, name: 'variant-cover', url: '/uploads/variant-cover_hash.png' },
      });
      expect(graphqlReport.variants).toEqual({ [f.article]: f.variants.articleEnFans });
    });

    it('serves the second locale’s variant, and a component overridden to null', async () => {
      const { graphql: fr } = await readBoth('fan', READS['findOne in the second locale'](f));
      expect(fr).toMatchObject({ title: 'Dix films', cta: 'Essayez l’API', hero: { headline: 'Construire' }, highlights: [] });
      const { graphql: list } = await readBoth('fan', READS['list with a filter, sort and pagination'](f));
      expect(list).toMatchObject([{ documentId: f.article, cta: 'Try the API' }, { documentId: f.second, cta: 'Second, for fans', hero: null }]);
    });

    it('serves a page’s dynamic zone, to-many relation and media from the variant; the related entries as they are', async () => {
      const { graphql: page, graphqlReport } = await readBoth('fan', READS['dynamic zone, to-many relation and multiple media'](f));
      expect(page).toMatchObject({
        sections: [
          { __typename: 'ComponentSectionsRichText', body: [{ type: 'paragraph', children: [{ type: 'text', text: 'Hello, builder' }] }] },
          { __typename: 'ComponentSectionsHero', headline: 'Welcome, builder' },
          { __typename: 'ComponentSectionsCtaBanner', id: expect.stringMatching(/^[1-9]\d*$/), text: 'Read the docs' },
          { __typename: 'ComponentSectionsFeature', id: '-4', title: 'Variant feature', button: { id: '-1', text: 'Variant button', buttonLabel: 'Go' } },
        ],
        // Related entries are served as populated relations are: base, published.
        featured: [
          { documentId: f.article, cta: 'Read more', hero: { headline: 'Base headline' } },
          { documentId: f.second, cta: 'Second CTA', hero: { headline: 'Second headline' } },
        ],
        gallery: [{ documentId: f.files.two.documentId }, { documentId: f.files.three.documentId }],
      });
      expect(graphqlReport.variants).toEqual({ [f.page]: f.variants.pageFans });
    });

    it('never personalizes drafts', async () => {
      const { graphql: draft, graphqlReport } = await readBoth('fan', READS['drafts (never personalized)'](f));
      expect(draft).toMatchObject({ cta: 'Draft CTA', hero: { headline: 'Draft headline' }, author: { documentId: f.baseAuthor } });
      expect(graphqlReport).toBeUndefined();
    });
  });

  describe('the report names a variant only when one of its fields went into the answer', () => {
    const reports = async (reader: Reader, restPath: string, query: string) => {
      const [restResponse, graphqlResponse] = [await rest(reader, restPath), await graphql(reader, query)];
      return { rest: restResponse.body.meta.personalization.variants, graphql: graphqlResponse.body.extensions.personalization.variants };
    };

    it('names the variant for a field it overrides, scalars included, and null for the others', async () => {
      const summary = await reports('watcher', `/api/articles/${f.article}?fields[0]=summary`, `{ article(documentId: "${f.article}") { summary } }`);
      expect(summary).toEqual({ rest: { [f.article]: f.variants.articleEnWatchers }, graphql: { [f.article]: f.variants.articleEnWatchers } });
      const cta = await reports('watcher', `/api/articles/${f.article}?fields[0]=cta`, `{ article(documentId: "${f.article}") { cta } }`);
      expect(cta).toEqual({ rest: { [f.article]: null }, graphql: { [f.article]: null } });
      const hero = await reports('fan', `/api/articles/${f.article}?fields[0]=title&populate[hero]=true`, `{ article(documentId: "${f.article}") { title hero { headline } } }`);
      expect(hero).toEqual({ rest: { [f.article]: f.variants.articleEnFans }, graphql: { [f.article]: f.variants.articleEnFans } });
      const list = await reports('fan', '/api/articles?fields[0]=title', '{ articles { title } }');
      expect(Object.values(list.rest).every((variant) => variant === null)).toBe(true);
      expect(list.graphql).toEqual(list.rest);
    });

    it('keeps the base value of a to-many relation’s _connection field, and does not count it as served', async () => {
      const response = await graphql('fan', `{ page(documentId: "${f.page}") { featured_connection { nodes { documentId } } } }`);
      expect(response.body.data.page.featured_connection.nodes).toEqual([{ documentId: f.second }]);
      expect(response.body.extensions.personalization.variants).toEqual({ [f.page]: null });
    });

    it('tells apart two reads of the same entry, one with personalization: false', async () => {
      const both = await graphql(
        'fan',
        `{ on: article(documentId: "${f.article}") { hero { headline } } off: article(documentId: "${f.article}", personalization: false) { cta hero { headline } } }`
      );
      expect(both.body.data).toEqual({ on: { hero: { headline: 'Build with us' } }, off: { cta: 'Read more', hero: { headline: 'Base headline' } } });
      expect(both.body.extensions.personalization.variants).toEqual({ [f.article]: f.variants.articleEnFans });
      const baseOnly = await graphql(
        'fan',
        `{ on: article(documentId: "${f.article}") { title } off: article(documentId: "${f.article}", personalization: false) { cta } }`
      );
      expect(baseOnly.body.data.off.cta).toBe('Read more');
      expect(baseOnly.body.extensions.personalization.variants).toEqual({ [f.article]: null });
    });
  });
});
