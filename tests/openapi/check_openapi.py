#!/usr/bin/python3
"""Checks amanat's OpenAPI document against the official OpenAPI 3.1 schema.

Usage:
  check_openapi.py --dump PROGRAM     check the document PROGRAM prints (amanat_openapi_dump)
  check_openapi.py FILE               check a document in a file ('-': stdin)
  check_openapi.py --self-test ...    break the document in known ways; each must be refused

What is checked (every problem is listed, with its JSON pointer):
  1. the document against each official OAS 3.1 schema vendored beside this file
     (oas-3.1-schema-*.json, see README.md), as JSON Schema 2020-12 with format checks;
  2. every Schema Object in the document (components/schemas, parameter and media type
     schemas) against the JSON Schema 2020-12 meta-schema: OAS 3.1's default dialect;
  3. rules of the OAS 3.1 text that no schema expresses: every $ref resolves inside the
     document; operationIds are unique; each operation declares exactly the path's template
     variables as required path parameters; no two paths differ only in variable names;
     parameters are unique by name and location; security requirements name declared schemes.

It needs only Debian's python3-jsonschema (4.10 in Debian 12; draft 2020-12 since 4.0) and
never touches the network: a $ref to anything outside the document is an error.
Exit status: 0 conforms (or, with --self-test, every broken copy was refused); 1 it does not;
2 the checker could not run.
"""

import copy
import glob
import json
import os
import re
import subprocess
import sys

try:
    import jsonschema
    from jsonschema import Draft202012Validator, FormatChecker, RefResolver
except ImportError:  # pragma: no cover
    sys.stderr.write("check_openapi: needs python3-jsonschema (Debian 12: apt-get install python3-jsonschema; "
                     "scripts/setup.sh installs it)\n")
    sys.exit(2)

HERE = os.path.dirname(os.path.abspath(__file__))
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def pointer(parts):
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts) if parts else ""


def no_network(uri):
    raise jsonschema.RefResolutionError("refusing to fetch " + uri + ": the check runs offline")


def offline_resolver(schema):
    return RefResolver.from_schema(schema, handlers={"http": no_network, "https": no_network})


def load_oas_schemas():
    paths = sorted(glob.glob(os.path.join(HERE, "oas-3.1-schema-*.json")))
    if not paths:
        raise SystemExit("check_openapi: no oas-3.1-schema-*.json beside " + __file__)
    out = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            schema = json.load(f)
        Draft202012Validator.check_schema(schema)
        out.append((os.path.basename(p), schema))
    return out


def schema_objects(doc):
    """(pointer parts, Schema Object) for every Schema Object the document holds."""
    found = []
    comps = doc.get("components", {})
    for name, s in comps.get("schemas", {}).items():
        found.append((["components", "schemas", name], s))

    def media(parts, content):
        for mt, m in (content or {}).items():
            if isinstance(m, dict) and "schema" in m:
                found.append((parts + [mt, "schema"], m["schema"]))

    def params(parts, plist):
        for i, p in enumerate(plist or []):
            if isinstance(p, dict):
                if "schema" in p:
                    found.append((parts + [i, "schema"], p["schema"]))
                media(parts + [i, "content"], p.get("content"))

    for path, item in doc.get("paths", {}).items():
        if not isinstance(item, dict):
            continue
        params(["paths", path, "parameters"], item.get("parameters"))
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            base = ["paths", path, method]
            params(base + ["parameters"], op.get("parameters"))
            rb = op.get("requestBody")
            if isinstance(rb, dict):
                media(base + ["requestBody", "content"], rb.get("content"))
            for code, resp in (op.get("responses") or {}).items():
                if isinstance(resp, dict):
                    media(base + ["responses", code, "content"], resp.get("content"))
                    for h, hv in (resp.get("headers") or {}).items():
                        if isinstance(hv, dict) and "schema" in hv:
                            found.append((base + ["responses", code, "headers", h, "schema"], hv["schema"]))
    return found


def refs(node, parts):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                yield parts + [k], v
            else:
                yield from refs(v, parts + [k])
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from refs(v, parts + [i])


def check(doc, oas_schemas):
    """Every problem found, as 'POINTER: message' lines."""
    problems = []
    if not isinstance(doc, dict):
        return ["the document is not a JSON object"]

    # 1. The official schema(s).
    for name, schema in oas_schemas:
        v = Draft202012Validator(schema, resolver=offline_resolver(schema), format_checker=FormatChecker())
        # The most specific reason behind a oneOf/anyOf, not just "is not valid".
        errors = [jsonschema.exceptions.best_match([e]) for e in v.iter_errors(doc)]
        paths = [list(e.absolute_path) for e in errors]
        for e, at in sorted(zip(errors, paths), key=lambda x: list(map(str, x[1]))):
            # A member that fails its own schema also counts as "unevaluated" in the object that
            # holds it (jsonschema 4.10); the member's own error says more.
            if e.validator == "unevaluatedProperties" and any(len(q) > len(at) and q[:len(at)] == at for q in paths):
                continue
            problems.append("%s: %s [%s, %s]" % (pointer(at), e.message, name, pointer(list(e.absolute_schema_path))))

    # 2. Schema Objects are JSON Schema 2020-12 (OAS 3.1's default dialect).
    if "jsonSchemaDialect" in doc:
        problems.append("/jsonSchemaDialect: amanat's document uses OAS 3.1's default dialect and should not set one")
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA, format_checker=FormatChecker())
    for parts, s in schema_objects(doc):
        for e in meta.iter_errors(s):
            problems.append("%s: not a valid JSON Schema 2020-12: %s" % (pointer(parts + list(e.absolute_path)),
                                                                       e.message))

    # 3. Rules of the specification's text.
    resolver = offline_resolver(doc)
    for parts, ref in refs(doc, []):
        if not ref.startswith("#"):
            problems.append("%s: %s is not a reference inside the document" % (pointer(parts), ref))
            continue
        try:
            resolver.resolve(ref)
        except Exception as e:  # RefResolutionError, or a bad pointer
            problems.append("%s: %s does not resolve (%s)" % (pointer(parts), ref, e))

    schemes = (doc.get("components") or {}).get("securitySchemes") or {}
    requirements = [(["security"], doc.get("security"))]
    for path, item in (doc.get("paths") or {}).items():
        for method in METHODS:
            if isinstance(item, dict) and isinstance(item.get(method), dict):
                requirements.append((["paths", path, method, "security"], item[method].get("security")))
    for where, reqs in requirements:
        for i, req in enumerate(reqs or []):
            for name in (req if isinstance(req, dict) else {}):
                if name not in schemes:
                    problems.append("%s: security scheme %r is not declared in components/securitySchemes" %
                                    (pointer(where + [i, name]), name))

    op_ids = {}
    shapes = {}
    for path, item in (doc.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        variables = re.findall(r"\{([^}]*)\}", path)
        if len(set(variables)) != len(variables):
            problems.append("%s: a template variable appears twice" % pointer(["paths", path]))
        shape = re.sub(r"\{[^}]*\}", "{}", path)
        if shape in shapes:
            problems.append("%s: the same path as %s up to variable names" % (pointer(["paths", path]), shapes[shape]))
        shapes.setdefault(shape, path)
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            base = ["paths", path, method]
            oid = op.get("operationId")
            if oid is not None:
                if oid in op_ids:
                    problems.append("%s: operationId %r is also %s" % (pointer(base + ["operationId"]), oid, op_ids[oid]))
                op_ids.setdefault(oid, pointer(base))
            declared = {}
            for where, plist in ((["paths", path, "parameters"], item.get("parameters")),
                                 (base + ["parameters"], op.get("parameters"))):
                seen = set()
                for i, p in enumerate(plist or []):
                    if not isinstance(p, dict) or "$ref" in p:
                        continue
                    key = (p.get("name"), p.get("in"))
                    if key in seen:
                        problems.append("%s: parameter %s in %s is declared twice" % (pointer(where + [i]), *key))
                    seen.add(key)
                    if p.get("in") == "path":
                        declared[p.get("name")] = (where + [i], p)
            for var in variables:
                if var not in declared:
                    problems.append("%s: the path variable {%s} has no path parameter" % (pointer(base), var))
                elif declared[var][1].get("required") is not True:
                    problems.append("%s: a path parameter must be required: true" % pointer(declared[var][0]))
            for name, (where, _) in declared.items():
                if name not in variables:
                    problems.append("%s: path parameter %r is not in the path" % (pointer(where), name))
    return problems


# --- Self-test: each of these breaks a conforming document in one way the checker must catch. ---

def first_op(doc, pred=lambda op: True):
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item and pred(item[method]):
                return path, method, item[method]
    raise SystemExit("check_openapi: --self-test needs an operation the mutation can apply to")


def templated_op(doc):
    return first_op(doc, lambda op: any(p.get("in") == "path" for p in op.get("parameters", [])))


def m_openapi_version(d):
    d["openapi"] = "3.0.3"
    return ["openapi"]


def m_info_missing(d):
    del d["info"]
    return []


def m_path_key(d):
    path, _, _ = first_op(d)
    d["paths"]["no-leading-slash" + path] = d["paths"].pop(path)
    return ["paths"]


def m_response_code(d):
    path, method, op = first_op(d)
    op["responses"]["20"] = {"description": "not a status code"}
    return ["paths", path, method, "responses"]


def m_response_without_description(d):
    path, method, op = first_op(d)
    code = next(iter(op["responses"]))
    op["responses"][code].pop("description", None)
    return ["paths", path, method, "responses", code]


def m_parameter_in(d):
    path, method, op = templated_op(d)
    op["parameters"][0]["in"] = "body"  # OpenAPI 2.0's, gone in 3.x
    return ["paths", path, method, "parameters", 0]


def m_path_parameter_optional(d):
    path, method, op = templated_op(d)
    i = next(i for i, p in enumerate(op["parameters"]) if p["in"] == "path")
    op["parameters"][i]["required"] = False
    return ["paths", path, method, "parameters", i]


def m_path_parameter_missing(d):
    path, method, op = templated_op(d)
    op["parameters"] = [p for p in op["parameters"] if p["in"] != "path"]
    if not op["parameters"]:
        del op["parameters"]
    return ["paths", path, method]


def m_security_scheme_type(d):
    d["components"]["securitySchemes"]["bearer"]["type"] = "token"
    return ["components", "securitySchemes", "bearer"]


def m_unknown_operation_field(d):
    path, method, op = first_op(d)
    op["amanatRoles"] = ["admin"]  # extensions must start with x-
    return ["paths", path, method]


def m_invalid_schema_type(d):
    name = next(iter(d["components"]["schemas"]))
    d["components"]["schemas"][name]["type"] = "strnig"
    return ["components", "schemas", name, "type"]


def m_invalid_schema_keyword_value(d):
    name = next(n for n, s in d["components"]["schemas"].items() if "properties" in s)
    d["components"]["schemas"][name]["required"] = "all"
    return ["components", "schemas", name, "required"]


def m_dangling_ref(d):
    path, method, op = first_op(d, lambda op: "requestBody" in op)
    op["requestBody"]["content"]["application/json"]["schema"]["$ref"] = "#/components/schemas/NoSuchSchema"
    return ["paths", path, method, "requestBody"]


def m_duplicate_operation_id(d):
    ops = [(path, m) for path, item in d["paths"].items() for m in METHODS if m in item]
    (p0, m0), (p1, m1) = ops[0], ops[1]
    d["paths"][p1][m1]["operationId"] = d["paths"][p0][m0]["operationId"]
    return ["paths", p1, m1, "operationId"]


def m_undeclared_security_scheme(d):
    path, method, op = first_op(d, lambda op: op.get("security"))
    op["security"].append({"oauth": []})
    return ["paths", path, method, "security"]


MUTATIONS = [m_openapi_version, m_info_missing, m_path_key, m_response_code, m_response_without_description,
             m_parameter_in, m_path_parameter_optional, m_path_parameter_missing, m_security_scheme_type,
             m_unknown_operation_field, m_invalid_schema_type, m_invalid_schema_keyword_value, m_dangling_ref,
             m_duplicate_operation_id, m_undeclared_security_scheme]


def sample(doc):
    """The document with only the few paths the mutations need (validating the whole document
    takes seconds, and each mutation is checked in full)."""
    keep = []
    for pred in (lambda op: True, lambda op: any(p.get("in") == "path" for p in op.get("parameters", [])),
                 lambda op: "requestBody" in op, lambda op: op.get("security")):
        path, _, _ = first_op(doc, pred)
        if path not in keep:
            keep.append(path)
    for path in doc["paths"]:  # a second operation, for the duplicate operationId
        if sum(m in doc["paths"][p] for p in keep for m in METHODS) >= 2:
            break
        if path not in keep:
            keep.append(path)
    out = copy.deepcopy(doc)
    out["paths"] = {p: doc["paths"][p] for p in keep}
    return out


def self_test(doc, oas_schemas):
    doc = sample(doc)
    base = check(doc, oas_schemas)
    if base:
        print("self-test: the unbroken document must conform first:")
        for p in base:
            print("  " + p)
        return 1
    missed = 0
    for m in MUTATIONS:
        broken = copy.deepcopy(doc)
        where = pointer(m(broken))
        # Refused for the right reason: a problem reported where the document was broken.
        found = [p for p in check(broken, oas_schemas) if p.startswith(where + ":") or
                 (where and p.startswith(where + "/"))]
        name = m.__name__[2:]
        if found:
            print("refused as it should be: %s (%s)" % (name, found[-1]))
        else:
            print("NOT REFUSED at %s: %s" % (where or "the root", name))
            missed += 1
    print("%d passed, %d failed" % (len(MUTATIONS) - missed, missed))
    return 1 if missed else 0


def main(argv):
    args = argv[1:]
    selftest = "--self-test" in args
    args = [a for a in args if a != "--self-test"]
    if len(args) == 2 and args[0] == "--dump":
        run = subprocess.run([args[1]], stdout=subprocess.PIPE)
        if run.returncode != 0:
            sys.stderr.write("check_openapi: %s exited %d\n" % (args[1], run.returncode))
            return 2
        text, source = run.stdout.decode("utf-8"), args[1]
    elif len(args) == 1:
        source = args[0]
        text = sys.stdin.read() if source == "-" else open(source, encoding="utf-8").read()
    else:
        sys.stderr.write(__doc__)
        return 2
    try:
        doc = json.loads(text)
    except ValueError as e:
        print("%s: not JSON: %s" % (source, e))
        return 1
    oas_schemas = load_oas_schemas()
    try:
        from importlib.metadata import version
        jsonschema_version = version("jsonschema")
    except Exception:
        jsonschema_version = "?"
    print("jsonschema %s; schemas: %s" % (jsonschema_version, ", ".join(n for n, _ in oas_schemas)))
    if selftest:
        return self_test(doc, oas_schemas)
    problems = check(doc, oas_schemas)
    for p in problems:
        print(p)
    n_ops = sum(1 for item in doc.get("paths", {}).values() for m in METHODS if m in item)
    print("%s: %d operations, %d Schema Objects; %s" % (
        source, n_ops, len(schema_objects(doc)),
        "conforms to OpenAPI 3.1" if not problems else "%d problem(s)" % len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
