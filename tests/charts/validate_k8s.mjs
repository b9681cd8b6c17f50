// validate_k8s.mjs <tools dir> <rendered.yaml>: every object helm rendered,
// validated against its Kubernetes schema. Core kinds: kubernetes-models
// (the Kubernetes OpenAPI schemas compiled with ajv). cert-manager and
// Prometheus Operator kinds: @kubernetes-models/* generated from the upstream
// CRDs. A kind with no schema here is an error, never a pass. Exit 1 on any
// failure, naming the object and the field.
import { createRequire } from "node:module";
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [toolsDir, file] = process.argv.slice(2);
if (!toolsDir || !file) {
  console.error("usage: validate_k8s.mjs <tools dir> <rendered.yaml>");
  process.exit(2);
}
const modules = join(toolsDir, "node_modules");
const yaml = createRequire(join(modules, "_"))("js-yaml");

// apiVersion -> the package directory holding <Kind>.js for it.
function modelPath(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const crdPackages = {
    "cert-manager.io": "@kubernetes-models/cert-manager",
    "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
  };
  const pkg = crdPackages[group] ?? "kubernetes-models";
  const dir = group === "" ? join(modules, pkg, version) : join(modules, pkg, group, version);
  return join(dir, `${kind}.js`);
}

const docs = yaml.loadAll(readFileSync(file, "utf8")).filter((d) => d != null);
let failed = 0;
const seen = new Set();
for (const obj of docs) {
  const id = `${obj.apiVersion}/${obj.kind} ${obj.metadata?.namespace ?? ""}/${obj.metadata?.name}`;
  const problems = [];
  if (!obj.apiVersion || !obj.kind) problems.push("no apiVersion or kind");
  if (!obj.metadata?.name) problems.push("no metadata.name");
  if (seen.has(id)) problems.push("rendered twice");
  seen.add(id);
  const path = obj.apiVersion && obj.kind ? modelPath(obj.apiVersion, obj.kind) : "";
  if (path && !existsSync(path)) problems.push(`no schema for ${obj.apiVersion} ${obj.kind} (${path})`);
  if (!problems.length) {
    const mod = await import(pathToFileURL(path).href);
    try {
      new mod[obj.kind](obj).validate();
    } catch (e) {
      problems.push(e.message);
    }
  }
  if (problems.length) {
    failed++;
    console.log(`FAIL ${id}: ${problems.join("; ")}`);
  } else {
    console.log(`ok   ${id}`);
  }
}
if (docs.length === 0) {
  console.log("FAIL nothing rendered");
  failed++;
}
process.exit(failed ? 1 : 0);
