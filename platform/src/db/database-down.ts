/** Whether an error means the database is unreachable or overloaded (the client may retry), not a bad request. */
export function isDatabaseDown(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === 'EPIPE') return true;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_IOERR') return true;
  // PostgreSQL: admin shutdown, cannot connect now, too many connections.
  if (code === '57P01' || code === '57P03' || code === '53300') return true;
  return /Connection terminated|timeout exceeded when trying to connect|driver has already been destroyed/i.test(
    error.message,
  );
}
