/** Hand-written editorial entries, one per broad topic, each with a call to action to personalize. */
export const DEMO_ARTICLES = [
  {
    title: 'Ten science-fiction films that saw the future coming',
    topic: 'Sci-Fi',
    summary: 'From video calls to tablets: what the genre got right.',
    cta: 'Browse the Sci-Fi collection',
    readingMinutes: 7,
  },
  {
    title: 'Why we still watch film noir',
    topic: 'Crime',
    summary: 'Shadows, fatalism and the detectives who outlived their decade.',
    cta: 'Start a crime marathon',
    readingMinutes: 6,
  },
  {
    title: 'A beginner’s guide to animation styles',
    topic: 'Animation',
    summary: 'Hand-drawn, stop-motion, CGI: how each one moves you differently.',
    cta: 'Watch something animated tonight',
    readingMinutes: 5,
  },
  {
    title: 'The economics of the summer blockbuster',
    topic: 'Action',
    summary: 'Why studios bet the year on a handful of explosions.',
    cta: 'See this summer’s big releases',
    readingMinutes: 8,
  },
  {
    title: 'Comedy timing, frame by frame',
    topic: 'Comedy',
    summary: 'What editors cut, and why the pause is the punchline.',
    cta: 'Laugh with our comedy picks',
    readingMinutes: 4,
  },
  {
    title: 'How documentaries earn our trust',
    topic: 'Documentary',
    summary: 'Access, evidence and the ethics of the edit.',
    cta: 'Explore true stories',
    readingMinutes: 9,
  },
];

/** A paragraph in the shape of Strapi's blocks editor. */
export const paragraph = (text: string) => ({
  type: 'paragraph' as const,
  children: [{ type: 'text' as const, text }],
});
