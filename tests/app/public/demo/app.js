/**
 * The demo site: plain JavaScript, no build. Every list comes from Strapi's REST API with the
 * visitor's cookie, so the plugin answers with the variants of the visitor's segments; the tracker
 * (loaded by index.html) records what the visitor does.
 */
const api = (path) => fetch(`/api${path}`, { credentials: 'same-origin' }).then((response) => response.json());
const escape = (text) => String(text ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const $ = (id) => document.getElementById(id);

const showSegments = (meta) => {
  const segments = meta?.personalization?.segments ?? [];
  $('segments').textContent = segments.length ? segments.join(', ') : 'not in any segment yet';
};

const renderHero = async () => {
  const { data, meta } = await api('/pages?filters[slug][$eq]=home&populate=sections');
  showSegments(meta);
  const hero = data?.[0]?.sections?.find((section) => section.__component === 'sections.hero');
  $('hero').innerHTML = hero
    ? `<h1>${escape(hero.headline)}</h1><p>${escape(hero.subheadline)}</p>
       <button type="button" data-psn-event="Hero Clicked" data-psn-category="hero" data-psn-label="${escape(hero.buttonLabel)}">${escape(hero.buttonLabel)}</button>`
    : '';
};

const movieCard = (movie, { trailer }) => `
  <div class="card" data-movie="${movie.documentId}">
    ${trailer ? '<video src="/media/clip.webm" muted playsinline controls data-psn-label="trailer"></video>' : ''}
    <h3>${escape(movie.title)} <small>(${movie.year ?? '—'})</small></h3>
    <div class="topic">${escape((movie.genres ?? []).join(' · '))}</div>
    <a class="open" href="?movie=${movie.documentId}" data-open-movie="${movie.documentId}">Details</a>
  </div>`;

const articleCard = (article, variants) => `
  <div class="card" data-psn-variant="${escape(variants?.[article.documentId] ?? '')}">
    <h3>${escape(article.title)}</h3>
    <div class="topic">${escape(article.topic)}</div>
    <p>${escape(article.summary)}</p>
    <a class="open" href="?article=${article.documentId}" data-open-article="${article.documentId}">Read</a>
    <button type="button" data-psn-event="Article CTA Clicked" data-psn-category="cta" data-psn-label="${escape(article.topic)}">${escape(article.cta)}</button>
  </div>`;

const renderLists = async () => {
  const [trailers, articles, scifi] = await Promise.all([
    api('/movies?pagination[pageSize]=3&sort=movieLensId:asc'),
    api('/articles?sort=title:asc'),
    api('/movies?filters[genres][$containsi]=Sci-Fi&pagination[pageSize]=6&sort=movieLensId:asc'),
  ]);
  $('trailers').innerHTML = trailers.data.map((movie) => movieCard(movie, { trailer: true })).join('');
  const variants = articles.meta?.personalization?.variants;
  $('articles').innerHTML = articles.data.map((article) => articleCard(article, variants)).join('');
  $('scifi').innerHTML = scifi.data.map((movie) => movieCard(movie, { trailer: false })).join('');
};

/**
 * A row of recommended movies, rendered inside `data-psn-recommendation` so that the tracker
 * reports clicks on them as that strategy's click-through. `forMovie`: "related to this movie".
 */
const renderRecommendations = async (element, { forMovie } = {}) => {
  const query = new URLSearchParams({ contentType: 'api::movie.movie', limit: '6', ...(forMovie ? { for: forMovie } : {}) });
  const { data, meta } = await api(`/personalization/recommendations?${query}`);
  const reasons = new Map((meta?.recommendations ?? []).map((item) => [item.documentId, item.reason]));
  element.dataset.psnRecommendation = meta?.strategy ?? '';
  element.innerHTML = (data ?? [])
    .map((movie) => movieCard(movie, { trailer: false }).replace('</h3>', `</h3><div class="reason">${escape(reasons.get(movie.documentId))}</div>`))
    .join('');
};

/** An entry's own view: sets the entry on <body> so that the tracker's page view carries its topics. */
const openEntry = async (kind, documentId) => {
  const uid = kind === 'movie' ? 'api::movie.movie' : 'api::article.article';
  const { data } = await api(`/${kind}s/${documentId}`);
  document.body.dataset.psnEntry = `${uid}:${documentId}`;
  $('home').hidden = true;
  $('detail').hidden = false;
  $('detail').innerHTML = `<p><a href="/demo/" id="back">← Back</a></p><h1>${escape(data.title)}</h1>
    <p class="topic">${escape(kind === 'movie' ? (data.genres ?? []).join(' · ') : data.topic)}</p>
    <p>${escape(data.summary ?? data.tagline ?? '')}</p>
    ${kind === 'article' ? `<button type="button" data-psn-event="Article CTA Clicked" data-psn-category="cta">${escape(data.cta)}</button>` : ''}
    ${kind === 'movie' ? '<h2>People who watched this also watched</h2><div id="related" class="row"></div>' : ''}`;
  history.pushState({}, '', `/demo/?${kind}=${documentId}`);
  if (kind === 'movie') await renderRecommendations($('related'), { forMovie: documentId });
};

document.addEventListener('click', (event) => {
  const link = event.target.closest('[data-open-movie], [data-open-article]');
  if (!link) return;
  event.preventDefault();
  if (link.dataset.openMovie) openEntry('movie', link.dataset.openMovie);
  else openEntry('article', link.dataset.openArticle);
});

$('forget').addEventListener('click', async () => {
  await fetch('/api/personalization/profile', { method: 'DELETE', credentials: 'same-origin' });
  for (const key of ['psn_tok', 'psn_key', 'psn_q']) localStorage.removeItem(key);
  location.href = '/demo/';
});

// The tracker's answers carry the visitor's segments: show them as they change.
window.addEventListener('psn:segments', (event) => {
  $('segments').textContent = event.detail.segments.length ? event.detail.segments.join(', ') : 'not in any segment yet';
});

/**
 * Triggers that fired on what the visitor just did (the tracker raises `psn:trigger` from the
 * ingest answer): after a long read, a pop-up of related movies, rendered inside
 * `data-psn-recommendation` so that clicks count as that strategy's click-through.
 */
window.addEventListener('psn:trigger', async (event) => {
  const { trigger, data, recommend } = event.detail;
  if (trigger !== 'long-read' || !recommend?.items.length) return;
  const query = recommend.items.map((item, index) => `filters[documentId][$in][${index}]=${encodeURIComponent(item.documentId)}`).join('&');
  const movies = (await api(`/movies?${query}`)).data ?? [];
  const popup = $('trigger-popup');
  popup.dataset.psnRecommendation = recommend.strategy;
  popup.innerHTML = `<button type="button" class="close" aria-label="Close" id="close-popup">×</button><h2>${escape(data?.title)}</h2>
    <div class="row">${movies.map((movie) => movieCard(movie, { trailer: false })).join('')}</div>`;
  popup.hidden = false;
  $('close-popup').addEventListener('click', () => (popup.hidden = true));
});

const params = new URLSearchParams(location.search);
renderHero();
renderLists();
renderRecommendations($('recommended'));
if (params.get('movie')) openEntry('movie', params.get('movie'));
if (params.get('article')) openEntry('article', params.get('article'));
