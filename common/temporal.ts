import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from './config';
import type { Logger } from './logger';
import { lifelineSearchAttributes } from '../workflows/search-attributes';

/** Connection options shared by the client (API) and the worker. TLS turns on with an API key, as Temporal Cloud needs. */
export function temporalConnectionOptions(cfg: Config): { address: string; tls?: TLSConfig | boolean; apiKey?: string } {
  const wantsTls =
    cfg.TEMPORAL_TLS ?? Boolean(cfg.TEMPORAL_API_KEY || cfg.TEMPORAL_TLS_CLIENT_CERT_PATH || cfg.TEMPORAL_TLS_SERVER_CA_CERT_PATH);
  let tls: TLSConfig | boolean | undefined;
  if (wantsTls) {
    const config: TLSConfig = {};
    if (cfg.TEMPORAL_TLS_SERVER_NAME) config.serverNameOverride = cfg.TEMPORAL_TLS_SERVER_NAME;
    if (cfg.TEMPORAL_TLS_SERVER_CA_CERT_PATH) config.serverRootCACertificate = readFileSync(cfg.TEMPORAL_TLS_SERVER_CA_CERT_PATH);
    if (cfg.TEMPORAL_TLS_CLIENT_CERT_PATH && cfg.TEMPORAL_TLS_CLIENT_KEY_PATH) {
      config.clientCertPair = {
        crt: readFileSync(cfg.TEMPORAL_TLS_CLIENT_CERT_PATH),
        key: readFileSync(cfg.TEMPORAL_TLS_CLIENT_KEY_PATH),
      };
    }
    tls = Object.keys(config).length > 0 ? config : true;
  }
  return { address: cfg.TEMPORAL_ADDRESS, tls, apiKey: cfg.TEMPORAL_API_KEY };
}

/**
 * The API's gRPC channel reconnects within 5 s of Temporal coming back: grpc-js's default backoff
 * grows to minutes, and every request meanwhile answers 503 (the fault suite restarts the server).
 */
export const CLIENT_CHANNEL_ARGS = { 'grpc.initial_reconnect_backoff_ms': 500, 'grpc.max_reconnect_backoff_ms': 5_000 };

export async function connectClient(cfg: Config): Promise<Client> {
  const connection = await Connection.connect({ ...temporalConnectionOptions(cfg), channelArgs: CLIENT_CHANNEL_ARGS });
  return new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
}

export function connectWorker(cfg: Config): Promise<NativeConnection> {
  return NativeConnection.connect(temporalConnectionOptions(cfg));
}

/** gRPC status codes that mean Temporal did not answer: UNAVAILABLE (14) and DEADLINE_EXCEEDED (4). */
const UNANSWERED = new Set([4, 14]);

/**
 * Whether an error means the Temporal server is unreachable or did not answer within the request's
 * deadline (the client wraps the gRPC error in a ServiceError; look along the causes).
 */
export function isTemporalUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, metadata } = e as { code?: unknown; metadata?: unknown };
    if (typeof code === 'number' && UNANSWERED.has(code) && metadata !== undefined) return true;
    if ((e as Error).name === 'WorkflowUpdateRPCTimeoutOrCancelledError') return true;
  }
  return false;
}

/**
 * Registers Lifeline's search attributes in a namespace; those already there are left alone.
 * Works on the dev server, the test server and self-hosted clusters; on Temporal Cloud they
 * are created in the Cloud console (the operator API is not open to namespace API keys).
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string, logger?: Logger): Promise<void> {
  const wanted = Object.fromEntries(lifelineSearchAttributes.map((k) => [k.name, encodeSearchAttributeIndexedValueType(k.type)!]));
  let existing: Record<string, unknown> = {};
  try {
    existing = (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  } catch {
    // The Java test server has no ListSearchAttributes: add them all and tolerate "already exists".
  }
  const missing = Object.fromEntries(Object.entries(wanted).filter(([name]) => !(name in existing)));
  if (Object.keys(missing).length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
    logger?.info({ searchAttributes: Object.keys(missing) }, 'registered search attributes');
  } catch (err) {
    if (/already exists/i.test((err as Error).message)) return;
    throw err;
  }
}
