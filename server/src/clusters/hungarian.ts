/**
 * Minimum-cost assignment of rows to columns (the Hungarian method, in its O(n²·m) form with
 * potentials and shortest augmenting paths), for a rectangular cost matrix: every row of the smaller
 * side gets a distinct column. Clusters are few (k ≤ 10 or so), so this small, exact implementation
 * is enough (the registry's `munkres` or `linear-sum-assignment` would do the same job; the project
 * adds no dependency for forty lines).
 *
 * Returns, for each row, its column, or -1 when there are more rows than columns and it got none.
 */
export const minimumCostAssignment = (cost: readonly (readonly number[])[]): number[] => {
  const rows = cost.length;
  const columns = rows === 0 ? 0 : cost[0].length;
  if (rows === 0) return [];
  if (rows > columns) {
    // Solve the transpose (the method needs rows ≤ columns) and invert the answer.
    const transposed = Array.from({ length: columns }, (_, j) => cost.map((row) => row[j]));
    const byColumn = minimumCostAssignment(transposed);
    const byRow = new Array<number>(rows).fill(-1);
    byColumn.forEach((row, column) => {
      if (row >= 0) byRow[row] = column;
    });
    return byRow;
  }
  // 1-based arrays, as in the classic formulation: u, v are potentials; way[j] the previous column
  // on the augmenting path; rowOf[j] the row matched to column j (0: none).
  const u = new Array<number>(rows + 1).fill(0);
  const v = new Array<number>(columns + 1).fill(0);
  const rowOf = new Array<number>(columns + 1).fill(0);
  const way = new Array<number>(columns + 1).fill(0);
  for (let i = 1; i <= rows; i++) {
    rowOf[0] = i;
    let j0 = 0;
    const minTo = new Array<number>(columns + 1).fill(Infinity);
    const used = new Array<boolean>(columns + 1).fill(false);
    do {
      used[j0] = true;
      const i0 = rowOf[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= columns; j++) {
        if (used[j]) continue;
        const reduced = cost[i0 - 1][j - 1] - u[i0] - v[j];
        if (reduced < minTo[j]) {
          minTo[j] = reduced;
          way[j] = j0;
        }
        if (minTo[j] < delta) {
          delta = minTo[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= columns; j++) {
        if (used[j]) {
          u[rowOf[j]] += delta;
          v[j] -= delta;
        } else {
          minTo[j] -= delta;
        }
      }
      j0 = j1;
    } while (rowOf[j0] !== 0);
    do {
      const j1 = way[j0];
      rowOf[j0] = rowOf[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const assignment = new Array<number>(rows).fill(-1);
  for (let j = 1; j <= columns; j++) if (rowOf[j] !== 0) assignment[rowOf[j] - 1] = j - 1;
  return assignment;
};
