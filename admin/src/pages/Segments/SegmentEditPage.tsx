import { Alert, Box, Button, Field, Flex, Grid, NumberInput, Radio, SingleSelect, SingleSelectOption, Textarea, TextInput, Toggle, Typography } from '@strapi/design-system';
import { Layouts, Page, useFetchClient, useNotification, useRBAC } from '@strapi/strapi/admin';
import { useEffect, useMemo, useState } from 'react';
import { useIntl } from 'react-intl';
import { useNavigate, useParams } from 'react-router-dom';
import { errorMessage, type ClustersOverview, type FactCatalog, type Segment } from '../../api/types';
import { useApi } from '../../api/use-api';
import { factSpec, RuleBuilder } from '../../components/RuleBuilder/RuleBuilder';
import { fromRules, toRules, type GroupNode } from '../../components/RuleBuilder/rule-tree';
import { PERMISSIONS } from '../../permissions';
import { slugify } from '../../utils/slugify';
import { useTranslate } from '../../utils/use-translate';

interface Preview {
  errors?: string;
  matching?: number;
  scanned?: number;
  complete?: boolean;
}


/**
 * One segment: its name and slug, priority, status and rules, with live validation and a count
 * of the stored visitors the rules match now; or, for a cluster segment, the k-means cluster whose
 * visitors it holds (its slug is the cluster's id). Segments declared in code are shown read-only.
 */
export const SegmentEditPage = () => {
  const { documentId } = useParams();
  const isNew = !documentId;
  const { formatNumber } = useIntl();
  const t = useTranslate();
  const navigate = useNavigate();
  const { post, put, del } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { allowedActions } = useRBAC(PERMISSIONS.segments);
  const existing = useApi<Segment>(isNew ? null : `/personalization/segments/${documentId}`);
  const catalog = useApi<FactCatalog>('/personalization/segments/facts');

  const [form, setForm] = useState({ name: '', slug: '', description: '', priority: 0, enabled: true });
  const [kind, setKind] = useState<'rule' | 'cluster'>('rule');
  // The current clusters, for a cluster segment (a role without clusters.read just sees none).
  const clusters = useApi<ClustersOverview>(isNew || existing.data?.kind === 'cluster' ? '/personalization/clusters' : null);
  const model = clusters.data?.current?.model ?? null;
  const [slugTouched, setSlugTouched] = useState(false);
  const [tree, setTree] = useState<GroupNode>(() => fromRules(null));
  const [preview, setPreview] = useState<Preview>({});
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (!existing.data) return;
    const { name, slug, description, priority, enabled, rules } = existing.data;
    setForm({ name, slug, description: description ?? '', priority, enabled });
    setKind(existing.data.kind);
    setTree(fromRules(rules as never));
  }, [existing.data]);

  const readOnly = Boolean(existing.data?.readOnly) || (isNew ? !allowedActions.canCreate : !allowedActions.canUpdate);
  const rules = useMemo(() => (catalog.data ? toRules(tree, (fact) => factSpec(catalog.data!, fact).type) : null), [tree, catalog.data]);

  // Live validation: the server checks the rules and counts the stored visitors they match.
  useEffect(() => {
    if (!rules || kind === 'cluster') return undefined;
    const timer = setTimeout(() => {
      post<{ data: Preview }>('/personalization/segments/validate', { rules }).then(
        (response) => setPreview(response.data.data),
        (error: unknown) => setPreview({ errors: errorMessage(error) })
      );
    }, 400);
    return () => clearTimeout(timer);
  }, [post, rules, kind]);

  if ((!isNew && existing.loading) || catalog.loading) return <Page.Loading />;
  if (existing.error || catalog.error || !catalog.data) return <Page.Error />;

  const save = async () => {
    setSaving(true);
    try {
      const body = { name: form.name, description: form.description || undefined, priority: form.priority, enabled: form.enabled, ...(kind === 'rule' ? { rules } : {}) };
      if (isNew) await post('/personalization/segments', { ...body, slug: form.slug, kind });
      else await put(`/personalization/segments/${documentId}`, body);
      toggleNotification({ type: 'success', message: t('segment.saved', 'Segment saved: stored visitors are being re-evaluated') });
      navigate('..', { relative: 'path' });
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    } finally {
      setSaving(false);
    }
  };

  const remove = async () => {
    try {
      await del(`/personalization/segments/${documentId}`);
      toggleNotification({ type: 'success', message: t('segment.deleted', 'Segment deleted; its variants are disabled') });
      navigate('..', { relative: 'path' });
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    }
  };

  return (
    <Page.Main>
      <Page.Title>{isNew ? t('segment.new', 'New segment') : form.name}</Page.Title>
      <Layouts.Header
        title={isNew ? t('segment.new', 'New segment') : form.name}
        subtitle={existing.data ? t('segment.size', '{count} visitors now', { count: formatNumber(existing.data.size) }) : undefined}
        primaryAction={
          !readOnly ? (
            <Button onClick={save} loading={saving} disabled={!form.name || !form.slug || (kind === 'rule' && Boolean(preview.errors))}>
              {t('segment.save', 'Save')}
            </Button>
          ) : undefined
        }
        secondaryAction={
          !isNew && !existing.data?.readOnly && allowedActions.canDelete ? (
            <Button variant="danger-light" onClick={remove}>
              {t('segment.delete', 'Delete')}
            </Button>
          ) : undefined
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          {existing.data?.readOnly && (
            <Alert variant="default" title={t('segment.readOnly.title', 'Declared in code')} closeLabel={t('common.close', 'Close')}>
              {t('segment.readOnly', 'This segment comes from config/plugins.ts: change it there.')}
            </Alert>
          )}
          <Box background="neutral0" padding={6} hasRadius shadow="tableShadow">
            <Grid.Root gap={4}>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Field.Root name="name" required>
                  <Field.Label>{t('segment.name', 'Name')}</Field.Label>
                  <TextInput
                    value={form.name}
                    disabled={readOnly}
                    onChange={(event: React.ChangeEvent<HTMLInputElement>) => {
                      const name = event.target.value;
                      setForm((previous) => ({ ...previous, name, slug: isNew && !slugTouched && kind === 'rule' ? slugify(name) : previous.slug }));
                    }}
                  />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Field.Root name="slug" required hint={t('segment.slug.hint', 'Variants and experiments refer to it; it cannot change later.')}>
                  <Field.Label>{t('segment.slug', 'Slug')}</Field.Label>
                  <TextInput
                    value={form.slug}
                    disabled={!isNew || readOnly || kind === 'cluster'}
                    onChange={(event: React.ChangeEvent<HTMLInputElement>) => {
                      setSlugTouched(true);
                      setForm((previous) => ({ ...previous, slug: event.target.value }));
                    }}
                  />
                  <Field.Hint />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={12} direction="column" alignItems="stretch">
                <Field.Root name="description">
                  <Field.Label>{t('segment.description', 'Description')}</Field.Label>
                  <Textarea value={form.description} disabled={readOnly} onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => setForm((previous) => ({ ...previous, description: event.target.value }))} />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Field.Root name="priority" hint={t('segment.priority.hint', 'When a visitor is in several segments, the variant of the highest priority wins.')}>
                  <Field.Label>{t('segment.priority', 'Priority')}</Field.Label>
                  <NumberInput value={form.priority} disabled={readOnly} onValueChange={(value: number | undefined) => setForm((previous) => ({ ...previous, priority: value ?? 0 }))} />
                  <Field.Hint />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Field.Root name="enabled">
                  <Field.Label>{t('segment.enabled', 'Enabled')}</Field.Label>
                  <Toggle
                    onLabel={t('common.on', 'On')}
                    offLabel={t('common.off', 'Off')}
                    checked={form.enabled}
                    disabled={readOnly}
                    onChange={(event: React.ChangeEvent<HTMLInputElement>) => setForm((previous) => ({ ...previous, enabled: event.target.checked }))}
                  />
                </Field.Root>
              </Grid.Item>
            </Grid.Root>
          </Box>
          <Box background="neutral0" padding={6} hasRadius shadow="tableShadow">
            <Flex direction="column" alignItems="stretch" gap={4}>
              <Typography variant="delta" tag="h2">{t('segment.rules', 'Who is in this segment')}</Typography>
              {isNew && (
                <Radio.Group aria-label={t('segment.kind', 'Kind')} value={kind} onValueChange={(value: string) => {
                    setKind(value as 'rule' | 'cluster');
                    setForm((previous) => ({ ...previous, slug: value === 'rule' ? slugify(previous.name) : '' }));
                  }}>
                  <Radio.Item value="rule">{t('segment.kind.rule', 'Visitors matching rules')}</Radio.Item>
                  <Radio.Item value="cluster">{t('segment.kind.cluster', 'The visitors of a behavioral cluster (k-means)')}</Radio.Item>
                </Radio.Group>
              )}
              {kind === 'cluster' ? (
                <Flex direction="column" alignItems="stretch" gap={2} data-testid="segment-cluster">
                  {isNew ? (
                    <Field.Root name="cluster" required hint={t('segment.cluster.hint', 'Its slug is the cluster id: cluster ids stay the same across clustering runs.')}>
                      <Field.Label>{t('segment.cluster', 'Cluster')}</Field.Label>
                      <SingleSelect value={form.slug} onChange={(value: string | number) => setForm((previous) => ({ ...previous, slug: String(value) }))}>
                        {(model?.ids ?? []).map((id, index) => (
                          <SingleSelectOption key={id} value={id}>{`${id}: ${model!.descriptions[index]}`}</SingleSelectOption>
                        ))}
                      </SingleSelect>
                      <Field.Hint />
                    </Field.Root>
                  ) : (
                    <Typography>
                      {model?.ids.includes(form.slug)
                        ? t('segment.cluster.current', 'Visitors of cluster {id}: {description}', { id: form.slug, description: model.descriptions[model.ids.indexOf(form.slug)] })
                        : t('segment.cluster.gone', 'Cluster {id} is not in the current clustering: this segment has no members until it comes back.', { id: form.slug })}
                    </Typography>
                  )}
                </Flex>
              ) : (
                <RuleBuilder value={tree} onChange={setTree} catalog={catalog.data} disabled={readOnly} />
              )}
              <Box data-testid="segment-preview">
                {kind === 'cluster' ? null : preview.errors ? (
                  <Typography textColor="danger600">{preview.errors}</Typography>
                ) : preview.matching !== undefined ? (
                  <Typography textColor="neutral600">
                    {t('segment.preview', '{matching} of {scanned} stored visitors match now{sample}', {
                      matching: formatNumber(preview.matching),
                      scanned: formatNumber(preview.scanned ?? 0),
                      sample: preview.complete ? '' : t('segment.preview.sample', ' (in a sample)'),
                    })}
                  </Typography>
                ) : null}
              </Box>
            </Flex>
          </Box>
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};
