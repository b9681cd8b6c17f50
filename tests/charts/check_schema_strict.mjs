// check_schema_strict.mjs <tools dir> <chart dir>: values.schema.json is
// strict at every level (each object closes its keys: additionalProperties
// false, or a typed schema for free-form maps such as labels), and every key
// it allows is present in values.yaml, where the comments document it
// (except inside Kubernetes-shaped slots: resources, and objects that are
// empty by default such as certManagerIssuerRef).
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [toolsDir, chart] = process.argv.slice(2);
const yaml = createRequire(join(toolsDir, "node_modules", "_"))("js-yaml");
const schema = JSON.parse(readFileSync(join(chart, "values.schema.json"), "utf8"));
const values = yaml.load(readFileSync(join(chart, "values.yaml"), "utf8"));
const errors = [];

function walk(s, path, value) {
  if (!s || typeof s !== "object") return;
  for (const alt of [...(s.oneOf ?? []), ...(s.anyOf ?? [])]) walk(alt, path, value);
  const types = [].concat(s.type ?? []);
  if (types.includes("object") && !s.oneOf) {
    const ap = s.additionalProperties;
    if (ap === undefined || ap === true) errors.push(`${path || "(root)"}: object without additionalProperties false`);
    if (ap && typeof ap === "object" && !ap.type) errors.push(`${path}: map values without a type`);
    for (const [k, sub] of Object.entries(s.properties ?? {})) {
      const inValues = value && typeof value === "object" && k in value;
      const slot = value && typeof value === "object" && Object.keys(value).length === 0;
      const k8sShaped = /(^|\.)resources\.(requests|limits)$/.test(path);
      if (value !== undefined && !inValues && ap === false && !slot && !k8sShaped) errors.push(`${path ? path + "." : ""}${k}: allowed by the schema, missing from values.yaml`);
      walk(sub, path ? `${path}.${k}` : k, inValues ? value[k] : undefined);
    }
  }
  if (types.includes("array") && s.items) walk(s.items, `${path}[]`, undefined);
  if (!s.type && !s.oneOf && !s.anyOf && !s.enum) errors.push(`${path}: no type`);
}
walk(schema, "", values);
for (const e of errors) console.log(`FAIL ${e}`);
console.log(errors.length ? `${errors.length} problem(s)` : "schema strict; every key in values.yaml");
process.exit(errors.length ? 1 : 0);
