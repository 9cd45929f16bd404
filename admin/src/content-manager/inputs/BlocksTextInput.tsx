import { Box, Flex, Textarea, TextButton } from '@strapi/design-system';
import { useState } from 'react';
import { useTranslate } from '../../utils/use-translate';
import { blocksToText, isPlainParagraphs, textToBlocks } from '../blocks-text';
import { JsonValueInput } from './JsonValueInput';

/**
 * Rich text (blocks): typed as paragraphs separated by blank lines while the text is plain, or
 * as the blocks' JSON when it carries formatting, headings, lists, links or images.
 */
export const BlocksTextInput = ({ label, value, onChange, disabled }: { label: string; value: unknown; onChange: (value: unknown) => void; disabled?: boolean }) => {
  const t = useTranslate();
  const [mode, setMode] = useState<'text' | 'json'>(() => (isPlainParagraphs(value) ? 'text' : 'json'));
  return (
    <Flex direction="column" alignItems="stretch" gap={1}>
      {mode === 'text' ? (
        <Textarea aria-label={label} value={blocksToText(value)} disabled={disabled} onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => onChange(textToBlocks(event.target.value))} />
      ) : (
        <JsonValueInput label={label} value={value} onChange={onChange} disabled={disabled} />
      )}
      <Box>
        {mode === 'text' ? (
          <TextButton onClick={() => setMode('json')}>{t('editor.blocks.json', 'Edit as JSON (headings, lists, formatting)')}</TextButton>
        ) : (
          isPlainParagraphs(value) && <TextButton onClick={() => setMode('text')}>{t('editor.blocks.text', 'Edit as plain paragraphs')}</TextButton>
        )}
      </Box>
    </Flex>
  );
};
