import { Th, Thead, Tr, Typography } from '@strapi/design-system';

/** A table's header row, in the small capitals of Strapi's own tables. */
export const TableHead = ({ labels }: { labels: string[] }) => (
  <Thead>
    <Tr>
      {labels.map((label) => (
        <Th key={label}>
          <Typography variant="sigma">{label}</Typography>
        </Th>
      ))}
    </Tr>
  </Thead>
);
