// Request limits per API key and per client IP (rate-limiter-flexible, in memory: each api process
// counts on its own, docs/operations.md). A request runs inside a context that the authentication
// and the search code reach without threading it through every signature:
//   - failed authentications per client IP: past the limit, 429 before any key lookup;
//   - requests per API key per window: 429 with Retry-After;
//   - search cost points per API key per window, charged by the search code (search-cost): 429.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RequestLimits } from '@segmenter/shared';
import { AppError, FieldProblem, ValidationError } from '../errors/app-error';

/** Too many requests: `Retry-After` (seconds) says when the limit lets the client in again. */
class TooManyRequestsError extends AppError {
  constructor(
    detail: string,
    problem: FieldProblem,
    readonly retryAfterSeconds: number,
  ) {
    super(429, 'Too many requests', detail, [problem]);
  }
}

interface Limiters {
  limits: Omit<RequestLimits, 'search'>;
  requests: RateLimiterMemory;
  searchCost: RateLimiterMemory;
  authFailures: RateLimiterMemory;
}

interface RequestContext {
  limiters: Limiters;
  res: Response;
  clientIp: string;
  /** Set once the request's API key is known. */
  apiKeyId?: string;
}

const context = new AsyncLocalStorage<RequestContext>();

const secondsUntil = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** Rejections of rate-limiter-flexible are its result (limit reached) or an Error (a bug): tell them apart. */
async function consume(limiter: RateLimiterMemory, key: string, points: number): Promise<RateLimiterRes | undefined> {
  try {
    await limiter.consume(key, points);
    return undefined;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return rejection;
    throw rejection;
  }
}

function refuse(ctx: RequestContext, rejected: RateLimiterRes, detail: string, problem: FieldProblem): never {
  const retryAfter = secondsUntil(rejected.msBeforeNext);
  // Set here, not by the error handler: only this error carries it, and the handler stays generic.
  ctx.res.setHeader('Retry-After', String(retryAfter));
  throw new TooManyRequestsError(`${detail}; retry after ${retryAfter} s`, problem, retryAfter);
}

/**
 * The address the failed-authentication throttle counts under: an IPv4 address as it is, an IPv6
 * one by its /64 (one subscriber's network: rotating through it would otherwise dodge the
 * throttle and grow the limiter's memory by one entry per address).
 */
export function clientGroup(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** The middleware that puts every request under the limits (mounted on /v1 in app.ts). */
export function requestLimits(limits: Omit<RequestLimits, 'search'>) {
  const limiters: Limiters = {
    limits,
    requests: new RateLimiterMemory({ keyPrefix: 'requests', points: limits.rate.requests, duration: limits.rate.windowSeconds }),
    searchCost: new RateLimiterMemory({ keyPrefix: 'search-cost', points: limits.searchCost.points, duration: limits.searchCost.windowSeconds }),
    authFailures: new RateLimiterMemory({ keyPrefix: 'auth-failures', points: limits.authFailures.attempts, duration: limits.authFailures.windowSeconds }),
  };
  return (req: Request, res: Response, next: NextFunction): void => {
    context.run({ limiters, res, clientIp: clientGroup(req.ip ?? req.socket.remoteAddress ?? 'unknown') }, next);
  };
}

const API_KEY_FIELD = 'headers.x-api-key';

/** After a failed key: a client that failed more often than the limit gets a 429, not a 401. */
export async function refuseThrottledClient(): Promise<void> {
  const ctx = context.getStore();
  if (!ctx) return;
  const failures = await ctx.limiters.authFailures.get(ctx.clientIp);
  const { attempts, windowSeconds } = ctx.limiters.limits.authFailures;
  if (failures && failures.consumedPoints > attempts) {
    refuse(ctx, failures, `Too many failed authentications from this client`, {
      field: API_KEY_FIELD,
      rule: `must not fail more than ${attempts} times per ${windowSeconds} s from one client`,
    });
  }
}

/** A presented key was unknown or revoked: counted against the client IP. */
export async function recordFailedAuthentication(): Promise<void> {
  const ctx = context.getStore();
  if (ctx) await consume(ctx.limiters.authFailures, ctx.clientIp, 1);
}

/** An authenticated request: counted against its key's rate. */
export async function admitApiKey(apiKeyId: string): Promise<void> {
  const ctx = context.getStore();
  if (!ctx) return;
  ctx.apiKeyId = apiKeyId;
  const rejected = await consume(ctx.limiters.requests, apiKeyId, 1);
  const { requests, windowSeconds } = ctx.limiters.limits.rate;
  if (rejected)
    refuse(ctx, rejected, 'This API key made too many requests', {
      field: API_KEY_FIELD,
      rule: `must make at most ${requests} requests per ${windowSeconds} s`,
    });
}

/**
 * Refuses a request that alone costs more than the whole search budget (a 400 naming `field`): it
 * could never pass. Checked on everything a request asks, before any of it is answered from a
 * cache, so whether a request is too big never depends on what happened to be cached.
 */
export function checkSearchCost(points: number, field: string): void {
  const ctx = context.getStore();
  if (!ctx?.apiKeyId || points <= 0) return;
  const { points: budget } = ctx.limiters.limits.searchCost;
  if (points > budget)
    throw new ValidationError([
      {
        field,
        rule: `costs ${points} search points; a request may cost at most ${budget} (fewer queries, or fewer CONTAINS, STARTS WITH and PREFIX conditions)`,
      },
    ]);
}

/**
 * Charges a request's search cost (search-cost) to its key, before the search runs. A request that
 * alone costs more than the whole budget could never pass: a 400 naming `field`, not a 429.
 * Outside a request (jobs) or before authentication, nothing is charged.
 */
export async function chargeSearchCost(points: number, field: string): Promise<void> {
  const ctx = context.getStore();
  if (!ctx?.apiKeyId || points <= 0) return;
  checkSearchCost(points, field);
  const { points: budget, windowSeconds } = ctx.limiters.limits.searchCost;
  const rejected = await consume(ctx.limiters.searchCost, ctx.apiKeyId, points);
  if (rejected) {
    refuse(ctx, rejected, `This API key used its search budget (${budget} points per ${windowSeconds} s)`, {
      field: API_KEY_FIELD,
      rule: `must spend at most ${budget} search points per ${windowSeconds} s (this request costs ${points})`,
    });
  }
}
