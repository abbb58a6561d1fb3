/** Reading a gateway's SQLite files through a connection of the test's own. */
import sqlite3 from 'sqlite3';

/** Rows of `sql` from `file`, opened read-only for this one query. */
export function query<T>(file: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (e) => {
      if (e) return reject(e);
      db.all<T>(sql, params, (err, rows) => db.close(() => (err ? reject(err) : resolve(rows))));
    });
  });
}
