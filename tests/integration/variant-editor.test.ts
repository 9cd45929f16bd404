import request from 'supertest';
import { adminToken } from '../helpers/admin';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

const ARTICLE = 'api::article.article';
const PAGE = 'api::page.page';

/** The admin routes behind the Content Manager's variant editor and its "Preview as segment". */
describe('variant editor and preview (admin API)', () => {
  let redis: PrivateRedis;
  let app: TestApp;
  let token: string;
  let article: { documentId: string };
  let author: { documentId: string };
  let cover: { id: number };

  const admin = (method: 'get' | 'post', path: string) => request(app.server)[method](`/personalization${path}`).set('Authorization', `Bearer ${token}`);
  const editorOf = (query: string) => admin('get', `/variants/editor?${query}`);
  const body = [
    { type: 'paragraph', children: [{ type: 'text', text: 'First paragraph.' }] },
    { type: 'heading', level: 2, children: [{ type: 'text', text: 'A heading', bold: true }] },
  ];

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({ redisUrl: redis.url, pluginConfig: { resolve: { timeoutMs: 1000 } } });
    token = await adminToken(app, { email: 'editor-api@example.com' });
    author = await app.strapi.documents('api::author.author').create({ data: { name: 'Ada Writer' } });
    cover = await app.strapi.db.query('plugin::upload.file').create({
      data: { name: 'cover.jpg', hash: 'cover_hash', ext: '.jpg', mime: 'image/jpeg', size: 1.5, url: '/uploads/cover_hash.jpg', provider: 'local' },
    });
    article = await app.strapi.documents(ARTICLE).create({
      data: { title: 'Base title', topic: 'Sci-Fi', cta: 'Read more', body, cover: cover.id, author: author.documentId, hero: { headline: 'Base headline', buttonLabel: 'Go' }, tags: ['a', 'b'] },
      locale: 'en',
      status: 'published',
    } as never);
    await admin('post', '/segments').send({ name: 'Fans', slug: 'fans', rules: { fact: 'pageviews', op: 'gte', value: 1 } }).expect(201);
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  it('describes the overridable fields and gives the base values in the form a variant takes', async () => {
    const response = await editorOf(`contentType=${ARTICLE}&documentId=${article.documentId}&locale=en`).expect(200);
    const data = response.body.data;
    expect(data).toMatchObject({ contentType: ARTICLE, localized: true, baseStatus: 'published' });
    const names = data.fields.map((field: { name: string }) => field.name);
    expect(names).toEqual(['title', 'topic', 'tags', 'summary', 'body', 'cta', 'ctaUrl', 'readingMinutes', 'cover', 'author', 'hero', 'highlights']);
    expect(names).not.toContain('slug');
    expect(data.fields.find((field: { name: string }) => field.name === 'author')).toMatchObject({ kind: 'relation', target: 'api::author.author', relation: 'manyToOne' });
    expect(data.fields.find((field: { name: string }) => field.name === 'cover')).toMatchObject({ kind: 'media', multiple: false });
    expect(data.base).toEqual({
      title: 'Base title',
      topic: 'Sci-Fi',
      tags: ['a', 'b'],
      summary: null,
      body,
      cta: 'Read more',
      ctaUrl: null,
      readingMinutes: null,
      cover: cover.id,
      author: author.documentId,
      hero: { headline: 'Base headline', subheadline: null, buttonLabel: 'Go', buttonUrl: null },
      highlights: [],
    });
    expect(data.labels['api::author.author'][author.documentId].label).toBe('Ada Writer');
    expect(data.labels['plugin::upload.file'][String(cover.id)]).toEqual({ label: 'cover.jpg', url: '/uploads/cover_hash.jpg', mime: 'image/jpeg' });
    expect(typeof data.mainFields['api::author.author']).toBe('string');
  });

  it('gives base values the variants API accepts back unchanged, dynamic zones included', async () => {
    const { base } = (await editorOf(`contentType=${ARTICLE}&documentId=${article.documentId}&locale=en`).expect(200)).body.data;
    await admin('post', '/variants').send({ contentType: ARTICLE, documentId: article.documentId, locale: 'en', segment: 'fans', fields: base }).expect(201);

    const landing = await app.strapi.documents(PAGE).create({
      data: {
        title: 'Landing',
        sections: [
          { __component: 'sections.hero', headline: 'Welcome' },
          { __component: 'sections.rich-text', body: [{ type: 'paragraph', children: [{ type: 'text', text: 'Hello' }] }] },
        ],
      },
      status: 'published',
    } as never);
    const editor = (await editorOf(`contentType=${PAGE}&documentId=${landing.documentId}`).expect(200)).body.data;
    expect(editor.localized).toBe(false);
    expect(editor.base.sections).toEqual([
      { __component: 'sections.hero', headline: 'Welcome', subheadline: null, buttonLabel: null, buttonUrl: null },
      { __component: 'sections.rich-text', body: [{ type: 'paragraph', children: [{ type: 'text', text: 'Hello' }] }] },
    ]);
    await admin('post', '/variants').send({ contentType: PAGE, documentId: landing.documentId, segment: 'fans', fields: { sections: editor.base.sections } }).expect(201);
  });

  it('reads a never-published entry as its draft, and says so', async () => {
    const draft = await app.strapi.documents(ARTICLE).create({ data: { title: 'Draft only', cta: 'Soon' }, locale: 'en' } as never);
    const response = await editorOf(`contentType=${ARTICLE}&documentId=${draft.documentId}&locale=en`).expect(200);
    expect(response.body.data).toMatchObject({ baseStatus: 'draft', base: expect.objectContaining({ title: 'Draft only', cta: 'Soon' }) });
  });

  it('labels the relations and media that variants of the entry point at', async () => {
    const guest = await app.strapi.documents('api::author.author').create({ data: { name: 'Guest Writer' } });
    await admin('post', '/variants').send({ contentType: ARTICLE, documentId: article.documentId, locale: 'en', segment: 'fans', priority: 5, fields: { author: guest.documentId } }).expect(201);
    const { labels } = (await editorOf(`contentType=${ARTICLE}&documentId=${article.documentId}&locale=en`).expect(200)).body.data;
    expect(labels['api::author.author'][guest.documentId].label).toBe('Guest Writer');
  });

  it('refuses bad queries with a 4xx naming the problem', async () => {
    expect((await editorOf(`contentType=api::author.author&documentId=${author.documentId}`).expect(404)).body.error.message).toContain('not a personalization-enabled content type');
    expect((await editorOf(`contentType=${ARTICLE}&documentId=nope&locale=en`).expect(404)).body.error.message).toContain('no api::article.article entry nope');
    expect((await editorOf(`contentType=${ARTICLE}&documentId=${article.documentId}&extra=1`).expect(400)).body.error.message).toContain('unknown field "extra"');
    await editorOf(`contentType=${ARTICLE}`).expect(400);
    await request(app.server).get(`/personalization/variants/editor?contentType=${ARTICLE}&documentId=${article.documentId}`).expect(401);
  });

  it('previews the published entry as a member of a segment sees it', async () => {
    const response = await admin('get', `/preview?contentType=${ARTICLE}&documentId=${article.documentId}&locale=en&segment=fans`).expect(200);
    expect(response.body.data).toMatchObject({ segment: 'fans', variant: expect.any(String), changed: ['author'] });
    const nobody = await admin('get', `/preview?contentType=${ARTICLE}&documentId=${article.documentId}&locale=en&segment=unknown-segment`).expect(200);
    expect(nobody.body.data).toMatchObject({ variant: null, changed: [] });
    expect(nobody.body.data.personalized.cta).toBe('Read more');
    await admin('get', `/preview?contentType=${ARTICLE}&documentId=${article.documentId}`).expect(400);
  });

  it('lists segments with their size trend', async () => {
    const response = await admin('get', '/segments').expect(200);
    expect(response.body.data[0]).toMatchObject({ slug: 'fans', trend: expect.any(Array) });
  });
});
