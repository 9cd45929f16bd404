import { Button, Flex, Tag, Typography } from '@strapi/design-system';
import { Cross } from '@strapi/icons';
import { useStrapiApp } from '@strapi/strapi/admin';
import { useState, type ComponentType } from 'react';
import type { ReferenceLabel } from '../../api/types';
import { useTranslate } from '../../utils/use-translate';

interface Asset {
  id: number;
  name: string;
  url: string;
  mime: string;
}

interface MediaLibraryDialogProps {
  onClose: () => void;
  onSelectAssets: (assets: Asset[]) => void;
  multiple?: boolean;
  initiallySelectedAssets?: Asset[];
}

/** Media: files picked in Strapi's own media library dialog; the variant holds their ids. */
export const MediaInput = ({
  label,
  value,
  multiple,
  labels,
  onChange,
  disabled,
}: {
  label: string;
  value: unknown;
  multiple: boolean;
  labels: Record<string, ReferenceLabel>;
  onChange: (value: unknown) => void;
  disabled?: boolean;
}) => {
  const t = useTranslate();
  const components = useStrapiApp('PersonalizationMediaInput', (state) => state.components) as Record<string, ComponentType<MediaLibraryDialogProps>>;
  const MediaLibraryDialog = components['media-library'];
  const [open, setOpen] = useState(false);
  const [picked, setPicked] = useState<Record<string, ReferenceLabel>>({});
  const ids = (value == null ? [] : Array.isArray(value) ? value : [value]) as number[];
  const name = (id: number) => picked[id]?.label ?? labels[id]?.label ?? `#${id}`;
  const remove = (id: number) => onChange(multiple ? ids.filter((other) => other !== id) : null);

  return (
    <Flex direction="column" alignItems="flex-start" gap={2} aria-label={label} role="group">
      <Flex gap={1} wrap="wrap">
        {ids.length === 0 && <Typography textColor="neutral600">{t('editor.media.none', 'No file')}</Typography>}
        {ids.map((id) => (
          <Tag key={id} icon={<Cross aria-hidden />} disabled={disabled} onClick={() => remove(id)} label={t('editor.media.remove', 'Remove {name}', { name: name(id) })}>
            {name(id)}
          </Tag>
        ))}
      </Flex>
      {MediaLibraryDialog ? (
        <Button variant="secondary" size="S" disabled={disabled} onClick={() => setOpen(true)}>
          {multiple ? t('editor.media.add', 'Add files') : t('editor.media.choose', 'Choose a file')}
        </Button>
      ) : (
        <Typography textColor="neutral600">{t('editor.media.unavailable', 'The media library is not available')}</Typography>
      )}
      {open && MediaLibraryDialog && (
        <MediaLibraryDialog
          multiple={multiple}
          onClose={() => setOpen(false)}
          onSelectAssets={(assets) => {
            setPicked((previous) => ({ ...previous, ...Object.fromEntries(assets.map((asset) => [asset.id, { label: asset.name, url: asset.url, mime: asset.mime }])) }));
            onChange(multiple ? [...new Set([...ids, ...assets.map((asset) => asset.id)])] : assets[0]?.id ?? null);
            setOpen(false);
          }}
        />
      )}
    </Flex>
  );
};
