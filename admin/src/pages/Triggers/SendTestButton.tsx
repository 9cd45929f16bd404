import { Button, Flex, Typography } from '@strapi/design-system';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useState } from 'react';
import { errorMessage, type TriggerTestResult } from '../../api/types';
import { useTranslate } from '../../utils/use-translate';

/**
 * "Send test": a sample payload of this trigger, marked `test: true`, POSTed to its destination now;
 * what the receiver answered is shown beside the button and in a notification.
 */
export const SendTestButton = ({ documentId }: { documentId: string }) => {
  const t = useTranslate();
  const { post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  const send = async () => {
    setSending(true);
    try {
      const { data } = await post<{ data: TriggerTestResult }>(`/personalization/triggers/${documentId}/test`);
      const outcome = data.data;
      const text = outcome.ok
        ? t('triggers.test.ok', 'Test delivered to {destination}: HTTP {status}', { destination: outcome.destination, status: outcome.status })
        : t('triggers.test.failed', 'Test to {destination} failed: {error}', { destination: outcome.destination, error: outcome.error });
      setResult({ ok: outcome.ok, text });
      toggleNotification({ type: outcome.ok ? 'success' : 'danger', message: `${text} (${outcome.url})` });
    } catch (error) {
      setResult({ ok: false, text: errorMessage(error) });
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    } finally {
      setSending(false);
    }
  };

  return (
    <Flex direction="column" alignItems="flex-start" gap={1}>
      <Button size="S" variant="secondary" loading={sending} onClick={send}>
        {t('triggers.test', 'Send test')}
      </Button>
      {result && (
        <Typography variant="pi" textColor={result.ok ? 'success600' : 'danger600'} data-testid="trigger-test-result">
          {result.text}
        </Typography>
      )}
    </Flex>
  );
};
