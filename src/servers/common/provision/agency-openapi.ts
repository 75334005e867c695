// The OpenAPI 3.1 document of the agency API, generated from the protocol's zod schemas (so the document and what
// the server checks cannot drift apart) and served to agencies at GET /v1/agency/openapi.json.

import { z } from 'zod';
import {
  AGENCY_BATCHES_PATH,
  AGENCY_BATCH_INPUT_PATH,
  AGENCY_BATCH_PATH,
  AGENCY_BATCH_RESULT_PATH,
  AGENCY_BATCH_SUBMIT_PATH,
  agencyBatchCreateRequestSchema,
  agencyBatchInputPartSchema,
  agencyBatchResultPartSchema,
  agencyBatchStatusSchema,
  agencyBatchSubmitRequestSchema,
  AGENCY_AFFAIRS_PATH,
  AGENCY_IDENTITY_BY_CODE_PATH,
  AGENCY_IDENTITY_SEARCH_PATH,
  AGENCY_OPENAPI_PATH,
  agencyAffairsAnswerSchema,
  agencyByCodeRequestSchema,
  agencyProvisionAnswerSchema,
  agencySearchRequestSchema,
} from '../../../protocol/index.js';

/** The version of the agency API the document describes (docs/protocol/agency-provision.md, "Changes"). */
export const AGENCY_API_VERSION = '1.0.0';

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'origin', 'category', 'message'],
      properties: {
        code: {
          type: 'string',
          description: 'A code of docs/errors.md, e.g. JUKI_ERR_AGENCY_AFFAIR_FORBIDDEN',
        },
        origin: { type: 'string' },
        category: { type: 'string', enum: ['validation', 'business', 'security', 'system'] },
        message: { type: 'string' },
      },
    },
  },
} as const;

function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
}

const refusals = {
  '400': errorResponse('The request does not fit its schema (JUKI_ERR_PROVISION_REQUEST_INVALID)'),
  '403': errorResponse(
    'Not an agency certificate (JUKI_ERR_PEER_FORBIDDEN), the agency is not registered (JUKI_ERR_AGENCY_NOT_REGISTERED), or it is not registered for the affair it cites (JUKI_ERR_AGENCY_AFFAIR_FORBIDDEN); recorded as a security event',
  ),
};

/** An OpenAPI path template: `:name` segments written `{name}`. */
function template(path: string): string {
  return path.replace(/:([a-z]+)/g, '{$1}');
}

function jsonBody(schema: string) {
  return {
    required: true,
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
  };
}

function jsonAnswer(description: string, schema: string) {
  return {
    description,
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
  };
}

const batchParameters = [
  { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'The batch id' },
];
const partParameters = [
  ...batchParameters,
  {
    name: 'part',
    in: 'path',
    required: true,
    schema: { type: 'integer', minimum: 0 },
    description: 'From 0',
  },
];
const batchRefusals = {
  '400': errorResponse(
    'A body or piece that does not fit (JUKI_ERR_BATCH_UPLOAD_INVALID, JUKI_ERR_BATCH_FILE_INVALID), or no such batch for this agency (JUKI_ERR_BATCH_NOT_FOUND)',
  ),
  '403': errorResponse(
    'Not an agency certificate, an agency not registered or not registered for the affair (recorded as a security event); or a file not sealed to the national certificate, not for this batch or not signed by this agency (JUKI_ERR_SEALED_FILE_*)',
  ),
  '422': errorResponse('The batch is not in a state that allows this (JUKI_ERR_BATCH_STATE)'),
};

/** The batch provision paths (docs/protocol/agency-batch.md). */
function batchPaths(): Record<string, unknown> {
  return {
    [AGENCY_BATCHES_PATH]: {
      post: {
        operationId: 'createBatch',
        summary:
          'Start a batch (媒体による提供) for one affair: the purpose check runs now, with method batch',
        requestBody: jsonBody('BatchCreateRequest'),
        responses: { '200': jsonAnswer('The new batch, uploading', 'BatchStatus'), ...batchRefusals },
      },
    },
    [template(AGENCY_BATCH_INPUT_PATH)]: {
      post: {
        operationId: 'uploadBatchInput',
        summary:
          'One piece of the sealed query file (at most 4 MiB before base64); sending a piece again replaces it',
        parameters: partParameters,
        requestBody: jsonBody('BatchInputPart'),
        responses: { '204': { description: 'Stored' }, ...batchRefusals },
      },
    },
    [template(AGENCY_BATCH_SUBMIT_PATH)]: {
      post: {
        operationId: 'submitBatch',
        summary: 'End the upload: the sealed file is checked, opened and queued',
        parameters: batchParameters,
        requestBody: jsonBody('BatchSubmitRequest'),
        responses: {
          '200': jsonAnswer('The batch, queued, with its line count', 'BatchStatus'),
          ...batchRefusals,
        },
      },
    },
    [template(AGENCY_BATCH_PATH)]: {
      get: {
        operationId: 'batchStatus',
        summary: 'The status and progress of a batch',
        parameters: batchParameters,
        responses: { '200': jsonAnswer('The batch', 'BatchStatus'), ...batchRefusals },
      },
    },
    [template(AGENCY_BATCH_RESULT_PATH)]: {
      get: {
        operationId: 'batchResultPart',
        summary: 'One sealed result part, sealed to the agency certificate and signed by the national server',
        parameters: partParameters,
        responses: { '200': jsonAnswer('The sealed part, base64', 'BatchResultPart'), ...batchRefusals },
      },
    },
  };
}

let cached: Record<string, unknown> | undefined;

/** The document (built once): paths, request and answer schemas, and mutual TLS as the only security scheme. */
export function agencyOpenApiDocument(): Record<string, unknown> {
  cached ??= {
    openapi: '3.1.0',
    info: {
      title: 'Jukinet agency API (本人確認情報の提供)',
      version: AGENCY_API_VERSION,
      description:
        'Identity information (本人確認情報) for the agencies and affairs of the affair registry (住民基本台帳法 別表), over HTTP/2 and TLS 1.3 with the agency certificate issued by the network CA. Every query cites an affair the agency is registered for, and every answer is logged. See docs/agencies.md.',
    },
    servers: [{ url: '/', description: "The national server's network port" }],
    security: [{ agencyCertificate: [] }],
    paths: {
      [AGENCY_AFFAIRS_PATH]: {
        get: {
          operationId: 'listAffairs',
          summary: 'The affairs this agency may cite, under the registry in force',
          responses: {
            '200': {
              description:
                'The agency, its kind, the registry version and its affairs with their legal basis',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/AffairsAnswer' } } },
            },
            '403': refusals['403'],
          },
        },
      },
      [AGENCY_IDENTITY_BY_CODE_PATH]: {
        post: {
          operationId: 'identityByCode',
          summary: 'Identity information by resident code (住民票コード), now or as of a past date',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ByCodeRequest' } } },
          },
          responses: {
            '200': {
              description: 'The record (count 1), or none (count 0) when the code is unknown at that date',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/ProvisionAnswer' } } },
            },
            ...refusals,
          },
        },
      },
      [AGENCY_IDENTITY_SEARCH_PATH]: {
        post: {
          operationId: 'identitySearch',
          summary: 'Identity information by the four items (氏名・出生の年月日・男女の別・住所)',
          description:
            'Birth date and sex exactly; name or kana whole after normalisation (NFKC, spaces removed, hiragana read as katakana for the kana); the address as a prefix. At most 10 records, ordered by resident code; truncated is true when more matched.',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/SearchRequest' } } },
          },
          responses: {
            '200': {
              description: 'The matching records, at most 10',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/ProvisionAnswer' } } },
            },
            ...refusals,
          },
        },
      },
      ...batchPaths(),
      [AGENCY_OPENAPI_PATH]: {
        get: {
          operationId: 'openApiDocument',
          summary: 'This document',
          responses: {
            '200': { description: 'The OpenAPI 3.1 document', content: { 'application/json': {} } },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        agencyCertificate: {
          type: 'mutualTLS',
          description:
            'A client certificate from the network CA naming agency-<slug>, issued by `jukinet agency register`',
        },
      },
      schemas: {
        ByCodeRequest: schemaOf(agencyByCodeRequestSchema, 'input'),
        SearchRequest: schemaOf(agencySearchRequestSchema, 'input'),
        ProvisionAnswer: schemaOf(agencyProvisionAnswerSchema, 'output'),
        AffairsAnswer: schemaOf(agencyAffairsAnswerSchema, 'output'),
        BatchCreateRequest: schemaOf(agencyBatchCreateRequestSchema, 'input'),
        BatchInputPart: schemaOf(agencyBatchInputPartSchema, 'input'),
        BatchSubmitRequest: schemaOf(agencyBatchSubmitRequestSchema, 'input'),
        BatchStatus: schemaOf(agencyBatchStatusSchema, 'output'),
        BatchResultPart: schemaOf(agencyBatchResultPartSchema, 'output'),
        Error: errorSchema,
      },
    },
  };
  return cached;
}
