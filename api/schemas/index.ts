/** Request and response schemas: the single source of the API's types and of its OpenAPI document, one file per subsystem. */
export * from './common';
export * from './tickets';
export * from './rules';
export * from './policies';
export * from './lifecycle';
export * from './api-keys';
export * from './published';
export * from './quotes';
export * from './agreements';
export * from './policy-documents';
export * from './what-if';
export * from './queue';
export * from './reports';
