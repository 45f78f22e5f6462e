import { readFileSync } from 'node:fs';
import path from 'node:path';
import { catalog } from '../../../policies';
import {
  catalogPolicyDocument,
  catalogSources,
  jsonPointer,
  parsePolicyDocument,
  policyToJson,
  policyToYaml,
  type ParsedPolicyDocument,
} from '../../../policies/document';
import { policyJsonSchema, policyJsonSchemaText } from '../../../policies/json-schema';

const root = path.join(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const valid = read('test/fixtures/policies/valid.yaml');

function policyOf(result: ParsedPolicyDocument) {
  if ('errors' in result) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return result.policy;
}
function errorsOf(result: ParsedPolicyDocument) {
  if ('policy' in result) throw new Error('expected errors, got a policy');
  return result.errors;
}

describe('policy documents', () => {
  it('reads the same policy from YAML and from JSON', () => {
    const fromYaml = policyOf(parsePolicyDocument(valid));
    const json = policyToJson(fromYaml, { schema: '../docs/policy.schema.json' });
    expect(json.startsWith('{\n  "$schema": "../docs/policy.schema.json",')).toBe(true);
    expect(policyOf(parsePolicyDocument(json))).toEqual(fromYaml);
    expect(policyOf(parsePolicyDocument(json, 'json'))).toEqual(fromYaml);
    expect(policyOf(parsePolicyDocument(policyToYaml(fromYaml), 'yaml'))).toEqual(fromYaml);
    expect(fromYaml).toMatchObject({ id: 'acme-support', calendars: [{ id: 'office', zone: 'Europe/Berlin' }, { id: 'always' }] });
  });

  it('accepts "$schema" (stripped before validation), in YAML and JSON, and refuses one that is not a string', () => {
    expect(valid).toMatch(/^\$schema: /m);
    const policy = policyOf(parsePolicyDocument(valid));
    expect(policy).not.toHaveProperty('$schema');
    const json = JSON.parse(policyToJson(policy));
    expect(policyOf(parsePolicyDocument(JSON.stringify({ $schema: 'https://example.test/policy.json', ...json })))).toEqual(policy);
    expect(errorsOf(parsePolicyDocument(JSON.stringify({ ...json, $schema: 42 }, null, 2)))).toEqual([
      { pointer: '/$schema', line: expect.any(Number), message: 'expected the URL or path of the JSON Schema' },
    ]);
  });

  it('names every bad field by its JSON pointer and YAML line', () => {
    const errors = errorsOf(parsePolicyDocument(read('test/fixtures/policies/invalid.yaml')));
    expect(errors.map(({ pointer, line }) => ({ pointer, line }))).toEqual([
      { pointer: '/calendars/0/zone', line: 10 },
      { pointer: '/targets/gold/sev1/firstResponse/duration', line: 21 },
      { pointer: '/targets/gold/sev1/resolution/calendar', line: 22 },
    ]);
    expect(errors[0].message).toMatch(/IANA time zone/);
    expect(errors[2].message).toBe('no calendar "nowhere" in this policy');
  });

  it('refuses an unknown key at its own pointer and line, never dropping it', () => {
    const text = valid.replace(/^(\s*)zone: "?Europe\/Berlin"?$/m, (line, indent: string) => `${line}\n${indent}breaks: []`);
    expect(text).toContain('breaks: []');
    const errors = errorsOf(parsePolicyDocument(text));
    const line = text.split('\n').findIndex((l) => l.includes('breaks: []')) + 1;
    expect(errors).toEqual([expect.objectContaining({ pointer: '/calendars/0/breaks', line })]);
  });

  it('gives lines for JSON too, and the nearest line for a missing field', () => {
    const json = JSON.parse(policyToJson(policyOf(parsePolicyDocument(valid))));
    json.calendars[0].zone = 'Mars/Olympus';
    delete json.name;
    const text = JSON.stringify(json, null, 2);
    const zoneLine = text.split('\n').findIndex((l) => l.includes('Mars/Olympus')) + 1;
    expect(errorsOf(parsePolicyDocument(text))).toEqual([
      { pointer: '/name', line: 1, message: expect.any(String) },
      { pointer: '/calendars/0/zone', line: zoneLine, message: expect.stringMatching(/IANA/) },
    ]);
  });

  it('escapes "~" and "/" in pointers (RFC 6901) and keeps a key holding "." whole', () => {
    expect(jsonPointer(['targets', 'a/b', 'c~d', 0])).toBe('/targets/a~1b/c~0d/0');
    expect(jsonPointer([])).toBe('');
    const policy = JSON.parse(policyToJson(policyOf(parsePolicyDocument(valid))));
    policy.targets['gold/x'] = {};
    policy.targets['gold.y'] = { sev1: {} };
    const errors = errorsOf(parsePolicyDocument(policyToYaml(policy)));
    expect(errors).toEqual([
      { pointer: '/targets/gold~1x', line: expect.any(Number), message: 'no plan "gold/x"' },
      { pointer: '/targets/gold.y', line: expect.any(Number), message: 'no plan "gold.y"' },
    ]);
  });

  it('reports syntax errors with their line: YAML, JSON, duplicate keys', () => {
    expect(errorsOf(parsePolicyDocument('id: acme\nname: [unclosed\nversion: 1\n'))).toEqual([
      { pointer: '', line: expect.any(Number), message: expect.stringMatching(/flow sequence|\]/i) },
    ]);
    expect(errorsOf(parsePolicyDocument('id: a\nid: b\n'))).toEqual([{ pointer: '', line: 2, message: expect.stringMatching(/unique/) }]);
    expect(errorsOf(parsePolicyDocument('{\n  "id": "a",\n  "id": "b"\n}'))).toEqual([
      { pointer: '', line: 3, message: expect.stringMatching(/unique/) },
    ]);
    const [broken] = errorsOf(parsePolicyDocument('{\n  "id": "a",\n  "name": \n}', 'json'));
    expect(broken.pointer).toBe('');
    expect(broken.message).toMatch(/JSON/);
    expect(errorsOf(parsePolicyDocument(''))).toEqual([{ pointer: '', message: expect.any(String) }]);
  });

  it.each(Object.keys(catalogSources) as Array<keyof typeof catalogSources>)(
    'docs/policies/%s.yaml is the catalog policy, exported, and reads back as it',
    (id) => {
      const committed = read(`docs/policies/${id}.yaml`);
      const fix = `run \`npm run policy -- export ${id} > docs/policies/${id}.yaml\``;
      expect({ file: `docs/policies/${id}.yaml`, upToDate: committed === catalogPolicyDocument(id) }).toEqual({
        file: `docs/policies/${id}.yaml`,
        upToDate: true,
        ...(committed === catalogPolicyDocument(id) ? {} : { fix }),
      });
      expect(policyOf(parsePolicyDocument(committed))).toEqual(catalog[id]);
      // Every rule still cites its paragraph.
      expect(committed).toMatch(/source: 00[0-3] /);
    },
  );
});

describe('the policy JSON Schema', () => {
  it('docs/policy.schema.json is the generated schema', () => {
    const committed = read('docs/policy.schema.json');
    const upToDate = committed === policyJsonSchemaText();
    expect({ upToDate, ...(upToDate ? {} : { fix: 'run `npm run policy -- schema > docs/policy.schema.json`' }) }).toEqual({
      upToDate: true,
    });
    expect(JSON.parse(committed)).toEqual(policyJsonSchema());
  });

  it('describes refined strings, defaults and "$schema"', () => {
    const schema = policyJsonSchema() as any;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.properties.$schema).toMatchObject({ type: 'string' });
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'calendars', 'severities', 'plans', 'waitingOnCustomer']));
    expect(schema.required).not.toContain('targets'); // defaulted: optional on input
    const calendar = schema.properties.calendars.items;
    expect(calendar.properties.zone).toMatchObject({ type: 'string', description: expect.stringMatching(/IANA time zone/) });
    expect(calendar.properties.workingDay).toMatchObject({ type: 'string', description: expect.stringMatching(/duration/i) });
  });
});
