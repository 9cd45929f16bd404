#!/usr/bin/env node
// @ts-check
/**
 * Derives the small MovieLens subset that ships with the demo and tests (tests/app/data/) from the
 * full data set in ../shared/data (or $PSN_DATA_DIR): the 400 most-rated movies with their genres.
 * Run it again only to change the subset; its output is committed.
 */
const fs = require('fs');
const path = require('path');
const { parse } = require('csv-parse/sync');
const { stringify } = require('csv-stringify/sync');
const { REPO_ROOT } = require('./lib/build');

const DATA_DIR = process.env.PSN_DATA_DIR ?? path.join(REPO_ROOT, '..', 'shared', 'data');
const SOURCE = path.join(DATA_DIR, 'ml-latest-small');
const TARGET = path.join(REPO_ROOT, 'tests', 'app', 'data', 'movielens');
const MOVIE_COUNT = 400;

/** @param {string} file */
const readCsv = (file) => parse(fs.readFileSync(path.join(SOURCE, file)), { columns: true });

const ratingCounts = new Map();
for (const { movieId } of readCsv('ratings.csv')) {
  ratingCounts.set(movieId, (ratingCounts.get(movieId) ?? 0) + 1);
}
const movies = readCsv('movies.csv')
  .filter((/** @type {{genres: string}} */ movie) => movie.genres !== '(no genres listed)')
  .sort((/** @type {{movieId: string}} */ a, /** @type {{movieId: string}} */ b) =>
    (ratingCounts.get(b.movieId) ?? 0) - (ratingCounts.get(a.movieId) ?? 0) || Number(a.movieId) - Number(b.movieId))
  .slice(0, MOVIE_COUNT)
  .map((/** @type {{movieId: string, title: string, genres: string}} */ movie) => ({
    movieId: movie.movieId,
    title: movie.title,
    genres: movie.genres,
    ratings: ratingCounts.get(movie.movieId) ?? 0,
  }));

// Who watched what, for the demo's "recommended" and "related" rows to start from: the ratings of
// the first VIEW_USERS users on these movies, as views (userId, movieId, timestamp).
const VIEW_USERS = 150;
const kept = new Set(movies.map((/** @type {{movieId: string}} */ movie) => movie.movieId));
const views = readCsv('ratings.csv')
  .filter((/** @type {{userId: string, movieId: string}} */ rating) => Number(rating.userId) <= VIEW_USERS && kept.has(rating.movieId))
  .map((/** @type {{userId: string, movieId: string, timestamp: string}} */ rating) => ({ userId: rating.userId, movieId: rating.movieId, timestamp: rating.timestamp }));

fs.mkdirSync(TARGET, { recursive: true });
fs.writeFileSync(path.join(TARGET, 'movies.csv'), stringify(movies, { header: true }));
fs.writeFileSync(path.join(TARGET, 'views.csv'), stringify(views, { header: true }));
fs.copyFileSync(path.join(SOURCE, 'README.txt'), path.join(TARGET, 'MOVIELENS-README.txt'));
fs.writeFileSync(
  path.join(TARGET, 'NOTICE.md'),
  `# MovieLens subset

\`movies.csv\` holds the ${MOVIE_COUNT} most-rated movies of MovieLens \`ml-latest-small\` (movieId,
title, genres as in the original, plus \`ratings\`: how many ratings the movie has in that data set);
\`views.csv\` the ratings of users 1 to ${VIEW_USERS} on those movies (userId, movieId, timestamp), which the
demo replays as views so that its recommendations have co-engagement to start from. Both derived by
\`tests/scripts/derive-demo-data.js\`.

The data set is by GroupLens Research, University of Minnesota, and is redistributed here, transformed,
under its own licence (research and non-commercial use; see \`MOVIELENS-README.txt\`, the original notice).
Neither the University of Minnesota nor GroupLens endorses this project.

F. Maxwell Harper and Joseph A. Konstan. 2015. The MovieLens Datasets: History and Context. ACM
Transactions on Interactive Intelligent Systems (TiiS) 5, 4: 19:1–19:19. https://doi.org/10.1145/2827872
`
);
console.log(`wrote ${movies.length} movies and ${views.length} views to ${path.relative(REPO_ROOT, TARGET)}`);
