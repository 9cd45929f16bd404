import { Badge } from '@strapi/design-system';
import { useTranslate } from '../../utils/use-translate';

const COLORS = {
  running: { textColor: 'success700', backgroundColor: 'success100' },
  paused: { textColor: 'warning700', backgroundColor: 'warning100' },
  stopped: { textColor: 'neutral700', backgroundColor: 'neutral150' },
  draft: { textColor: 'secondary700', backgroundColor: 'secondary100' },
  enabled: { textColor: 'success700', backgroundColor: 'success100' },
  disabled: { textColor: 'neutral700', backgroundColor: 'neutral150' },
} as const;

export type Status = keyof typeof COLORS;

/** The status of an experiment, segment or variant, in the same colours everywhere. */
export const StatusBadge = ({ status }: { status: Status }) => {
  const t = useTranslate();
  const labels: Record<Status, string> = {
    running: t('status.running', 'Running'),
    paused: t('status.paused', 'Paused'),
    stopped: t('status.stopped', 'Stopped'),
    draft: t('status.draft', 'Draft'),
    enabled: t('status.enabled', 'Enabled'),
    disabled: t('status.disabled', 'Disabled'),
  };
  return <Badge {...COLORS[status]}>{labels[status]}</Badge>;
};
