import fs from 'fs';
import path from 'path';

export interface DemoMovie {
  movieLensId: number;
  title: string;
  year: number | null;
  genres: string[];
  ratings: number;
}

/** MovieLens writes "Shawshank Redemption, The (1994)"; people write "The Shawshank Redemption". */
export const parseMovieTitle = (raw: string): { title: string; year: number | null } => {
  const match = raw.trim().match(/^(.*?)\s*\((\d{4})\)\s*$/);
  const name = match ? match[1] : raw.trim();
  const year = match ? Number(match[2]) : null;
  const article = name.match(/^(.*), (The|A|An)$/);
  return { title: article ? `${article[2]} ${article[1]}` : name, year };
};

/** Reads the shipped subset (tests/app/data/movielens/movies.csv: movieId,title,genres,ratings). */
export const readDemoMovies = (appRoot: string): DemoMovie[] => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse } = require('csv-parse/sync') as { parse: (input: Buffer, options: object) => Record<string, string>[] };
  const rows = parse(fs.readFileSync(path.join(appRoot, 'data', 'movielens', 'movies.csv')), { columns: true });
  return rows.map((row) => ({
    movieLensId: Number(row.movieId),
    ...parseMovieTitle(row.title),
    genres: row.genres.split('|'),
    ratings: Number(row.ratings),
  }));
};
