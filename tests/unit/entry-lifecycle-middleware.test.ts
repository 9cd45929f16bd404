/**
 * The side effects of writes to personalized entries run after the write, one middleware per
 * concern, and a failing one is logged, never turned into a failed write.
 */
import type { Core } from '@strapi/strapi';
import { createTopicsInvalidationMiddleware, createVariantsCleanupMiddleware } from '../../server/src/variants/entry-lifecycle-middleware';

const UID = 'api::article.article';

const fakeStrapi = (services: Record<string, unknown>) => {
  const errors: string[] = [];
  const strapi = {
    plugin: () => ({ service: (name: string) => services[name] }),
    log: { error: (message: string) => errors.push(message) },
  } as unknown as Core.Strapi;
  return { strapi, errors };
};

const enabled = { isEnabled: (uid: string) => uid === UID };

describe('after writes to personalized entries', () => {
  it('forgets the topics of an updated entry once the update succeeded', async () => {
    const forgotten: string[] = [];
    const { strapi } = fakeStrapi({ contentTypes: enabled, entryTopics: { invalidate: (_uid: string, id: string) => forgotten.push(id) } });
    const order: string[] = [];
    const result = await createTopicsInvalidationMiddleware(strapi)({ uid: UID, action: 'update', params: { documentId: 'd1' } }, async () => {
      order.push(`write, forgotten so far: ${forgotten.length}`);
      return { documentId: 'd1' };
    });
    expect(result).toEqual({ documentId: 'd1' });
    expect(order).toEqual(['write, forgotten so far: 0']);
    expect(forgotten).toEqual(['d1']);
  });

  it('logs a failing clean-up and still answers with the write', async () => {
    const { strapi, errors } = fakeStrapi({
      contentTypes: enabled,
      entryTopics: {
        invalidate: () => {
          throw new Error('cache gone');
        },
      },
      variants: { removeForEntry: async () => Promise.reject(new Error('database down')) },
    });
    const write = async () => ({ documentId: 'd1' });
    const context = { uid: UID, action: 'delete', params: { documentId: 'd1', locale: 'fr' } };
    await expect(createTopicsInvalidationMiddleware(strapi)(context, write)).resolves.toEqual({ documentId: 'd1' });
    await expect(createVariantsCleanupMiddleware(strapi)(context, write)).resolves.toEqual({ documentId: 'd1' });
    expect(errors).toEqual([
      `[personalization] forgetting the topics of ${UID} d1 after delete failed: cache gone`,
      `[personalization] removing the variants of deleted ${UID} d1 after delete failed: database down`,
    ]);
  });

  it('removes the variants of a deleted entry in its locale, and does nothing after a failed write', async () => {
    const removed: unknown[][] = [];
    const { strapi } = fakeStrapi({ contentTypes: enabled, variants: { removeForEntry: async (...args: unknown[]) => removed.push(args) } });
    const cleanup = createVariantsCleanupMiddleware(strapi);
    await cleanup({ uid: UID, action: 'delete', params: { documentId: 'd1', locale: 'fr' } }, async () => ({}));
    expect(removed).toEqual([[UID, 'd1', 'fr']]);
    await expect(cleanup({ uid: UID, action: 'delete', params: { documentId: 'd2' } }, async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(removed).toHaveLength(1);
  });

  it('leaves other actions and content types alone', async () => {
    const removed: unknown[] = [];
    const forgotten: unknown[] = [];
    const { strapi } = fakeStrapi({
      contentTypes: enabled,
      variants: { removeForEntry: async () => removed.push(1) },
      entryTopics: { invalidate: () => forgotten.push(1) },
    });
    const write = async () => ({});
    await createVariantsCleanupMiddleware(strapi)({ uid: UID, action: 'update', params: { documentId: 'd1' } }, write);
    await createVariantsCleanupMiddleware(strapi)({ uid: 'api::page.page', action: 'delete', params: { documentId: 'd1' } }, write);
    await createTopicsInvalidationMiddleware(strapi)({ uid: UID, action: 'findMany', params: {} }, write);
    expect([removed, forgotten]).toEqual([[], []]);
  });
});
