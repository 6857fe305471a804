#!/usr/bin/env node
// Validates one of dfix's reports against a published JSON schema, with ajv.
//   node validate.js sarif SCHEMA FILE   the SARIF 2.1.0 schema shipped by @microsoft/sarif-multitool
//   node validate.js rdjson FILE         reviewdog's DiagnosticResult, schema shipped by @umbrelladocs/rdformat-validator
//   node validate.js rdjsonl FILE        one reviewdog Diagnostic (one line of rdjsonl), same package
// Exits 1 and prints the errors when the document does not validate.
'use strict';
const fs = require('fs');
const addFormats = require('ajv-formats');

const [kind, ...args] = process.argv.slice(2);
let schema;
let file;
let ajv;
if (kind === 'sarif') {
  const Ajv2020 = require('ajv/dist/2020');
  [schema, file] = [JSON.parse(fs.readFileSync(args[0], 'utf8')), args[1]];
  ajv = new Ajv2020({ strict: false, allErrors: true });
} else if (kind === 'rdjson' || kind === 'rdjsonl') {
  const Ajv = require('ajv');
  const rdformat = require('@umbrelladocs/rdformat-validator');
  schema = kind === 'rdjson' ? rdformat.rdformatSchema.oneOf[2] : rdformat.diagnosticSchema;
  file = args[0];
  ajv = new Ajv({ strict: false, allErrors: true });
} else {
  console.error('usage: validate.js sarif SCHEMA FILE | rdjson FILE | rdjsonl FILE');
  process.exit(2);
}
addFormats(ajv);
const check = ajv.compile(schema);
const data = JSON.parse(fs.readFileSync(file, 'utf8'));
if (!check(data)) {
  console.error(`${file}: does not validate against the ${kind} schema`);
  console.error(JSON.stringify(check.errors, null, 2));
  process.exit(1);
}
console.log(`${file}: valid ${kind}`);
