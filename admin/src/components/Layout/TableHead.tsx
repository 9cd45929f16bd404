import { Th, Thead, Tr, Typography } from '@strapi/design-system';

/** A table's header row, in the small capitals of Strapi's own tables; `wrap` lets long labels take two lines. */
export const TableHead = ({ labels, wrap = false }: { labels: string[]; wrap?: boolean }) => (
  <Thead>
    <Tr>
      {labels.map((label) => (
        <Th key={label}>
          <Typography variant="sigma" style={wrap ? { whiteSpace: 'normal' } : undefined}>
            {label}
          </Typography>
        </Th>
      ))}
    </Tr>
  </Thead>
);
