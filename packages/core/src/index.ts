/**
 * @outpace/core: Outpace's domain (zod schemas with inferred types), the
 * list-building pipeline and the ports adapters implement.
 */
export * from './errors.js';
export * from './ids.js';
export * from './ports/agents.js';
export * from './ports/campaign-stores.js';
export * from './ports/clock.js';
export * from './ports/file-source.js';
export * from './ports/identity.js';
export * from './ports/job-queue.js';
export * from './ports/location-resolver.js';
export * from './ports/logger.js';
export * from './ports/stores.js';
export * from './ports/telephony.js';
export * from './schemas/campaign.js';
export * from './schemas/campaign-record.js';
export * from './schemas/common.js';
export * from './schemas/contact.js';
export * from './schemas/contact-list.js';
export * from './schemas/device.js';
export * from './schemas/identity.js';
export * from './schemas/import-job.js';
export * from './schemas/label.js';
export * from './schemas/list-rule.js';
export * from './schemas/location.js';
export * from './schemas/mapping.js';
export * from './schemas/outbound.js';
export * from './schemas/suppression.js';
export * from './schemas/tenant.js';
export * from './schemas/treatment.js';
export * from './rules/describe.js';
export * from './rules/evaluate.js';
export * from './rules/order.js';
export * from './rules/validate.js';
export * from './rules/values.js';
export * from './phone/normalize-email.js';
export * from './phone/normalize-phone.js';
export * from './lists/import-contacts.js';
export * from './lists/import-options.js';
export * from './lists/keywords.js';
export * from './lists/mapping.js';
export * from './lists/spec-file.js';
export * from './labels/labels.js';
export * from './lists/import-suppression.js';
export * from './lists/preview-import.js';
export * from './lists/export.js';
