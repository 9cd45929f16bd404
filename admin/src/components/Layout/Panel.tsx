import { Box, Flex, Typography } from '@strapi/design-system';
import type { ReactNode } from 'react';

/** A titled white card, as Strapi's own pages group content. */
export const Panel = ({ title, action, children, testId }: { title: string; action?: ReactNode; children: ReactNode; testId?: string }) => (
  <Box background="neutral0" padding={6} hasRadius shadow="tableShadow" data-testid={testId}>
    <Flex justifyContent="space-between" alignItems="center" gap={2}>
      <Typography variant="delta" tag="h2">
        {title}
      </Typography>
      {action}
    </Flex>
    <Box paddingTop={4}>{children}</Box>
  </Box>
);
