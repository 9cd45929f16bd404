import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { z } from 'zod';
import { getPluginConfig } from '../config/get-plugin-config';
import { pluginService } from '../shared/plugin-services';
import { parseOrThrow, validationError } from '../shared/validation';
import { FEATURES } from './feature-vector';

const segmentBody = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(120).optional(),
  priority: z.number().int().min(-1000).max(1000).default(0),
});

/**
 * Admin API of clustering: `GET /clusters` (the current model, live drift, the job's progress,
 * the latest runs), `POST /clusters/run` (start one now), `POST /clusters/:clusterId/segment`
 * (a cluster becomes a segment, kind `cluster`, whose slug is the cluster's stable id).
 */
const clustersController = ({ strapi }: { strapi: Core.Strapi }) => {
  const clusters = () => pluginService(strapi, 'clusters');

  return {
    async overview(ctx: Context) {
      const overview = await clusters().overview();
      const segments = (await pluginService(strapi, 'segments').list()).filter((segment) => segment.kind === 'cluster');
      ctx.body = {
        data: {
          ...overview,
          enabled: getPluginConfig(strapi).clusters.enabled,
          /** What each base feature means (the admin lists the features and their scaling). */
          featureCatalog: FEATURES,
          segments: segments.map((segment) => ({ documentId: segment.documentId, slug: segment.slug, name: segment.name })),
        },
      };
    },

    async run(ctx: Context) {
      if (!getPluginConfig(strapi).clusters.enabled) throw new errors.ForbiddenError('clustering is turned off (clusters.enabled)');
      const started = clusters().start('on demand');
      ctx.status = 202;
      ctx.body = { data: { started, status: await clusters().status() } };
    },

    async makeSegment(ctx: Context) {
      const body = parseOrThrow(segmentBody, ctx.request.body ?? {});
      const model = (await clusters().overview()).current?.model;
      const index = model?.ids.indexOf(ctx.params.clusterId) ?? -1;
      if (!model || index < 0) throw new errors.NotFoundError(`no cluster "${String(ctx.params.clusterId).slice(0, 64)}" in the current model`);
      const slug = model.ids[index];
      if (await pluginService(strapi, 'segments').findBySlug(slug)) {
        throw validationError([{ path: ['clusterId'], message: `segment "${slug}" already exists` }]);
      }
      const segment = await pluginService(strapi, 'segments').create({
        name: body.name ?? `Cluster ${slug}: ${model.descriptions[index]}`.slice(0, 120),
        slug,
        description: `Visitors k-means puts in cluster ${slug} (${model.descriptions[index]}).`,
        kind: 'cluster',
        priority: body.priority,
        enabled: true,
      });
      ctx.status = 201;
      ctx.body = { data: segment };
    },
  };
};

export default clustersController;
