/**
 * @jest-environment jsdom
 */
import { DesignSystemProvider } from '@strapi/design-system';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { IntlProvider } from 'react-intl';
import type { PagePaths } from '../../admin/src/api/types';
import { PagePathsView } from '../../admin/src/pages/Analytics/PagePathsView';
import { fillDesignSystemGaps } from '../helpers/design-system-dom';

beforeAll(fillDesignSystemGaps);

const setup = (data: PagePaths | undefined, page: string | null) => {
  const picked: string[] = [];
  render(
    <IntlProvider locale="en" messages={{}}>
      <DesignSystemProvider locale="en">
        <PagePathsView data={data} page={page} onPage={(name) => picked.push(name)} />
      </DesignSystemProvider>
    </IntlProvider>
  );
  return picked;
};

describe('the Paths panel in Pages mode', () => {
  it('offers the pages visitors most often go on from, and hands back the one picked', async () => {
    const picked = setup({ kind: 'pages', from: null, starts: ['Pricing', 'Docs'], steps: [] }, null);
    await userEvent.click(screen.getByRole('combobox', { name: 'From the page' }));
    expect(screen.getAllByRole('option').map((option) => option.textContent)).toEqual(['Pricing', 'Docs']);
    await userEvent.click(screen.getByRole('option', { name: 'Docs' }));
    expect(picked).toEqual(['Docs']);
    expect(screen.queryByTestId('paths-flow')).toBeNull();
  });

  it('shows two levels of next steps with their shares, events named as events', () => {
    setup(
      {
        kind: 'pages',
        from: 'Pricing',
        starts: ['Pricing', 'Docs'],
        steps: [
          { label: 'page:Docs', share: 0.75, next: [{ label: 'event:Search Used', share: 1 }] },
          { label: 'event:Signup Started', share: 0.25, next: [] },
        ],
      },
      'Pricing'
    );
    const flow = screen.getByTestId('paths-flow');
    expect(within(flow).getByText('Pricing')).toBeTruthy();
    expect(within(flow).getAllByTestId('paths-step').map((step) => step.textContent)).toEqual(['Docs75%', 'Event: Search Used100%', 'Event: Signup Started25%']);
  });

  it('says when nothing was counted yet', () => {
    setup({ kind: 'pages', from: null, starts: [], steps: [] }, null);
    expect(screen.getByText(/No visitor has gone on from a named page yet/)).toBeTruthy();
  });

  it('says when a page has no next step yet', () => {
    setup({ kind: 'pages', from: 'Contact', starts: ['Pricing'], steps: [] }, 'Contact');
    expect(screen.getByText('No visitor has gone on from this page within a session yet.')).toBeTruthy();
  });
});
