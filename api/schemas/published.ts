/**
 * The published dates' response schemas: endoflife.date's API v1 and v0 shapes with Lifeline's
 * extensions under `lifeline` (github.com/endoflife-date/endoflife.date: api_v1/openapi.yml, API v1 schema 1.2.1).
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

/** The endoflife.date API v1 schema these responses follow (its VERSION in generate-api-v1.rb). */
export const SCHEMA_VERSION = '1.2.1';

const day = z.string().openapi({ format: 'date', example: '2027-03-31' });
const instant = z.string().openapi({ format: 'date-time', example: '2027-03-31T21:00:00.000Z' });
const milestoneEnum = z.enum(['eos', 'eoms', 'eol']);

const PublishedNoticeSchema = z
  .object({
    milestone: milestoneEnum,
    kind: z.enum(['advance', 'changed']),
    date: day.openapi({ description: 'The milestone date this notice announces.' }),
    previousDate: day.optional(),
    sendOn: day.openapi({ description: "The notice's day, in the product's zone." }),
    sent: z.boolean(),
    sentAt: instant.optional(),
  })
  .openapi('PublishedNotice');

const LifelineReleaseSchema = z
  .object({
    phase: z.enum(['announced', 'pilot', 'mainstream', 'extended', 'endOfLife']).openapi({ description: 'At request time.' }),
    zone: z.string().openapi({ description: 'The IANA zone the dates are days in.', example: 'Europe/Moscow' }),
    onSale: z.boolean(),
    provisional: z
      .boolean()
      .openapi({ description: "EOMS (and so EOL) may still move later: the next major version's GA is not known yet." }),
    changesAt: z.object({ ga: instant.nullable(), eos: instant.nullable(), eoms: instant.nullable(), eol: instant.nullable() }).openapi({
      description:
        'When each milestone takes effect: GA at the start of its day, the others at the end of theirs (the milestone day is still supported).',
    }),
    supportedUntil: instant.nullable().openapi({ description: 'The end of the EOL day in the zone.' }),
    supportedMinors: z.array(z.string()),
    minors: z.array(z.object({ version: z.string(), kind: z.enum(['stable', 'regular']), releasedOn: day })),
    notices: z.array(PublishedNoticeSchema),
    nextMajor: z.object({ version: z.string(), ga: day }).nullable(),
    updatedAt: instant,
  })
  .openapi('LifelineReleaseExtension');

const PublishedReleaseSchema = z
  .object({
    name: z.string().openapi({ description: 'The major version.', example: '4' }),
    codename: z.null(),
    label: z.string(),
    releaseDate: day.openapi({ description: 'GA.' }),
    isLts: z.boolean(),
    ltsFrom: day.nullable(),
    isEoas: z.boolean(),
    eoasFrom: day.nullable().openapi({ description: 'End of Mainstream Support (EOMS): its last day.' }),
    isEol: z.boolean(),
    eolFrom: day.nullable().openapi({ description: 'End of Life (EOL): its last supported day.' }),
    isDiscontinued: z.boolean(),
    discontinuedFrom: day.nullable().openapi({ description: 'End of Sales (EOS): its last day on sale.' }),
    isMaintained: z.boolean(),
    latest: z.object({ name: z.string(), date: day.nullable(), link: z.string().nullable() }).nullable(),
    custom: z.null(),
    lifeline: LifelineReleaseSchema,
  })
  .openapi('PublishedRelease', {
    description:
      'An endoflife.date v1 ProductRelease. `isX` is true once now is past the end of the `xFrom` day in `lifeline.zone` (endoflife.date: `Date.today > date`): the day itself is still supported.',
  });

const PublishedProductSchema = z
  .object({
    name: z.string().openapi({ example: 'vipnet-client' }),
    aliases: z.array(z.string()),
    label: z.string(),
    tags: z.array(z.string()),
    versionCommand: z.null(),
    identifiers: z.array(z.object({ type: z.string(), id: z.string() })),
    labels: z.object({ eoas: z.string().nullable(), discontinued: z.string().nullable(), eol: z.string(), eoes: z.string().nullable() }),
    links: z.object({ icon: z.string().nullable(), html: z.string(), releasePolicy: z.string().nullable() }),
    releases: z.array(PublishedReleaseSchema),
    lifeline: z.object({ policyId: z.string(), zone: z.string(), calendar: z.string().openapi({ description: 'The iCalendar feed.' }) }),
  })
  .openapi('PublishedProduct');

const envelope = { schema_version: z.string().openapi({ example: SCHEMA_VERSION }), generated_at: instant };
export const PublishedProductResponseSchema = z
  .object({ ...envelope, last_modified: instant, result: PublishedProductSchema })
  .openapi('PublishedProductResponse');
export const PublishedReleaseResponseSchema = z.object({ ...envelope, result: PublishedReleaseSchema }).openapi('PublishedReleaseResponse');

const dateOrBool = z.union([day, z.boolean()]);
export const PublishedCycleV0Schema = z
  .object({
    cycle: z.string(),
    releaseDate: day,
    eol: dateOrBool.openapi({ description: 'EOL date, or whether it is reached when no date is known.' }),
    latest: z.string().optional(),
    latestReleaseDate: day.optional(),
    link: z.null(),
    lts: z.literal(false),
    support: dateOrBool.openapi({ description: 'EOMS date, or whether mainstream support goes on when no date is known.' }),
    discontinued: dateOrBool.openapi({ description: 'EOS date, or whether sales ended when no date is known.' }),
  })
  .openapi('PublishedCycleV0');

export type PublishedRelease = z.infer<typeof PublishedReleaseSchema>;
export type PublishedCycleV0 = z.infer<typeof PublishedCycleV0Schema>;
export type PublishedProductResponse = z.infer<typeof PublishedProductResponseSchema>;
export type PublishedReleaseResponse = z.infer<typeof PublishedReleaseResponseSchema>;
