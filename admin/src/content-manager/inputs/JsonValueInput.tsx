import { Field, JSONInput } from '@strapi/design-system';
import { useState } from 'react';
import { useTranslate } from '../../utils/use-translate';

/**
 * JSON, components and dynamic zones, edited as JSON (a component or zone is overridden whole).
 * The value changes only while the text parses; until then the error is shown.
 */
export const JsonValueInput = ({ label, value, onChange, disabled }: { label: string; value: unknown; onChange: (value: unknown) => void; disabled?: boolean }) => {
  const t = useTranslate();
  const [text, setText] = useState(() => JSON.stringify(value ?? null, null, 2));
  const [error, setError] = useState<string | null>(null);
  return (
    <Field.Root error={error ?? undefined}>
      <JSONInput
        aria-label={label}
        value={text}
        disabled={disabled}
        minHeight="120px"
        maxHeight="320px"
        onChange={(next: string) => {
          setText(next);
          try {
            onChange(JSON.parse(next));
            setError(null);
          } catch {
            setError(t('editor.json.invalid', 'Not valid JSON yet: the last valid value is kept'));
          }
        }}
      />
      <Field.Error />
    </Field.Root>
  );
};
