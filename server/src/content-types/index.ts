import clusterRunSchema from './cluster-run/schema.json';
import experimentSchema from './experiment/schema.json';
import funnelSchema from './funnel/schema.json';
import segmentSchema from './segment/schema.json';
import triggerSchema from './trigger/schema.json';
import variantSchema from './variant/schema.json';

/** The plugin's own content types, hidden from the Content Manager and the Content-Type Builder. */
export default {
  segment: { schema: segmentSchema },
  variant: { schema: variantSchema },
  experiment: { schema: experimentSchema },
  'cluster-run': { schema: clusterRunSchema },
  trigger: { schema: triggerSchema },
  funnel: { schema: funnelSchema },
};
