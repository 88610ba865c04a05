import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { collectHot } from './hot-counter.ts';

/** The node's Prometheus registry and the counters the HTTP and WebSocket layers feed. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'beckon_' });
  const httpRequests = new Counter({
    name: 'beckon_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'beckon_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const wsConnections = new Gauge({
    name: 'beckon_ws_connections',
    help: 'Open WebSocket connections by endpoint',
    labelNames: ['endpoint'] as const,
    registers: [registry],
  });
  const wsMessages = new Counter({
    name: 'beckon_ws_messages_total',
    help: 'WebSocket frames by endpoint and direction',
    labelNames: ['endpoint', 'direction'] as const,
    registers: [registry],
    collect: collectHot,
  });
  const wsCloses = new Counter({
    name: 'beckon_ws_closes_total',
    help: 'WebSocket closes by endpoint and close code',
    labelNames: ['endpoint', 'code'] as const,
    registers: [registry],
  });
  const wsRejected = new Counter({
    name: 'beckon_ws_rejected_total',
    help: 'WebSocket frames or upgrades refused, by endpoint and reason',
    labelNames: ['endpoint', 'reason'] as const,
    registers: [registry],
  });
  const loginFailures = new Counter({
    name: 'beckon_login_failures_total',
    help: 'Failed console sign-ins by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const chatRateLimited = new Counter({
    name: 'beckon_chat_rate_limited_total',
    help: 'Conversation requests refused by a rate limit, by what was asked (start, upload) and whose limit',
    labelNames: ['action', 'scope'] as const,
    registers: [registry],
  });
  const processFaults = new Counter({
    name: 'beckon_process_faults_total',
    help: 'Unhandled rejections and uncaught exceptions the process guard caught (each one is a bug)',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const phoneCalls = new Counter({
    name: 'beckon_phone_calls_total',
    help: 'Phone calls through a trunk by direction and outcome (answered, busy, no_answer, and why an inbound call was refused)',
    labelNames: ['direction', 'outcome'] as const,
    registers: [registry],
  });
  const phoneRegistrations = new Counter({
    name: 'beckon_phone_registrations_total',
    help: 'Trunk registrations at the gateway by outcome (registered, failed); a failed one is retried with backoff',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const phoneMenu = new Counter({
    name: 'beckon_phone_menu_total',
    help: 'Steps of callers through phone menus by outcome (chosen, no_match, timeout, fallback to the first choice, hangup)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const phoneTransfers = new Counter({
    name: 'beckon_phone_transfers_total',
    help: 'Transfers of phone calls by kind (cold, warm) and outcome (answered, recalled, completed, cancelled, returned, unanswered, hangup)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  const outboxInDoubt = new Counter({
    name: 'beckon_outbox_in_doubt_total',
    help: 'Messages sent at most once (broadcasts) left in doubt by channel: their node stopped, the provider did not answer, or the connection broke, during the request; not sent again',
    labelNames: ['channel'] as const,
    registers: [registry],
  });
  return {
    registry,
    outboxInDoubt,
    phoneCalls,
    phoneTransfers,
    phoneRegistrations,
    phoneMenu,
    processFaults,
    httpRequests,
    httpDuration,
    wsConnections,
    wsMessages,
    wsCloses,
    wsRejected,
    loginFailures,
    chatRateLimited,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
