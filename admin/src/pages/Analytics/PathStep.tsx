import { Box, Flex, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';

/** One step of a path as a bar: its share of the steps from the entry or page before it. */
export const PathStep = ({ label, share, strong }: { label: string; share: number; strong?: boolean }) => {
  const { formatNumber } = useIntl();
  return (
    <Flex gap={2} alignItems="center" data-testid="paths-step">
      <Box background={strong ? 'primary600' : 'primary200'} style={{ width: `${Math.max(2, Math.round(share * 120))}px`, height: 8, borderRadius: 4 }} />
      <Typography fontWeight={strong ? 'bold' : undefined}>{label}</Typography>
      <Typography textColor="neutral600">{formatNumber(share, { style: 'percent', maximumFractionDigits: 0 })}</Typography>
    </Flex>
  );
};
