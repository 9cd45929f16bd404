import createHttpError from 'http-errors';

/**
 * 401 and 403 with a message the client sees. Strapi's route wrapper turns its own
 * UnauthorizedError and ForbiddenError, thrown anywhere below it, into bare "Unauthorized" and
 * "Forbidden" answers; these (http-errors) keep their message in Strapi's error format.
 */
export const unauthorized = (message: string) => createHttpError(401, message);

export const forbidden = (message: string) => createHttpError(403, message);
