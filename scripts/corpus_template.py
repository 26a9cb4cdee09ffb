#!/usr/bin/env python3
"""corpus_template.py reads one SAM template for scripts/corpus.sh.

  corpus_template.py select-all DIR    the pattern folders of DIR that select
  corpus_template.py select TEMPLATE   exit 0 when the template is a corpus
                                       pattern: SAM, a Python or Node.js
                                       function, an API Gateway REST or HTTP
                                       API (WebSocket APIs are not counted)
  corpus_template.py params TEMPLATE   one K=V per line for every parameter
                                       without a Default (first AllowedValue,
                                       else a value of the parameter's type),
                                       standing in for `sam deploy --guided`
  corpus_template.py routes TEMPLATE   one JSON route per line:
                                       {"api": logical id, "kind": "rest"|"http",
                                        "method", "path", "auth"}

Routes come from function events (Api, HttpApi), inline or local OpenAPI
bodies of AWS::Serverless::Api / HttpApi, and plain AWS::ApiGateway::Method
resources. The YAML loader keeps CloudFormation short-form tags as
{"Fn::X": value} so Ref-s can be followed.
"""
import json
import os
import re
import sys

import yaml


class Loader(yaml.SafeLoader):
    pass


def _tag(loader, suffix, node):
    name = suffix if suffix == "Ref" else "Fn::" + suffix
    if suffix == "GetAtt" and isinstance(node, yaml.ScalarNode):
        return {name: loader.construct_scalar(node).split(".", 1)}
    if isinstance(node, yaml.ScalarNode):
        return {name: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {name: loader.construct_sequence(node, deep=True)}
    return {name: loader.construct_mapping(node, deep=True)}


Loader.add_multi_constructor("!", _tag)
# Template authors write dates and numbers YAML would turn into other types.
Loader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda l, n: l.construct_scalar(n)
)


def load(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return yaml.load(f, Loader=Loader) or {}


def resources(t):
    r = t.get("Resources") or {}
    return r if isinstance(r, dict) else {}


def select(t):
    if "AWS::Serverless-2016-10-31" not in json.dumps(t.get("Transform", "")):
        return False
    runtimes = []
    glob = ((t.get("Globals") or {}).get("Function") or {}).get("Runtime", "")
    api = False
    for r in resources(t).values():
        if not isinstance(r, dict):
            continue
        typ, p = r.get("Type", ""), r.get("Properties") or {}
        if typ == "AWS::Serverless::Function":
            runtimes.append(str(p.get("Runtime", glob)))
            for e in (p.get("Events") or {}).values():
                if isinstance(e, dict) and e.get("Type") in ("Api", "HttpApi"):
                    api = True
        if typ in ("AWS::Serverless::Api", "AWS::Serverless::HttpApi", "AWS::ApiGateway::RestApi"):
            api = True
        if typ == "AWS::ApiGatewayV2::Api" and p.get("ProtocolType") == "HTTP":
            api = True
    lang = any(re.match(r"(python|nodejs)", rt) for rt in runtimes)
    return api and lang


def as_int(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def params(t):
    out = []
    for name, p in (t.get("Parameters") or {}).items():
        if not isinstance(p, dict):
            continue
        # A Default that is an instruction ("Enter a name for ...") is a
        # placeholder the README asks the user to replace.
        d = p.get("Default")
        if "Default" in p and not (isinstance(d, str) and re.match(r"(?i)(enter|provide|your|<)", d.strip())):
            continue
        allowed = p.get("AllowedValues")
        typ = str(p.get("Type", "String"))
        if allowed:
            v = allowed[0]
        elif typ == "Number":
            v = p.get("MinValue", 1)
        elif "List" in typ:
            v = "corpus1,corpus2"
        elif "Email" in name or "email" in name:
            v = "corpus@example.com"
        else:
            v = "corpus" + re.sub(r"[^a-z0-9]", "", name.lower())[:20]
            # What a user types for a key or secret is long: API Gateway
            # refuses an API key value under 20 characters, as on AWS.
            if re.search(r"(?i)key|secret|token|password", name):
                v = v.ljust(24, "0")
            lo, hi = as_int(p.get("MinLength")), as_int(p.get("MaxLength"))
            if lo is not None and len(v) < lo:
                v = v.ljust(lo, "0")
            if hi is not None and len(v) > hi:
                v = v[:hi]
        out.append(f"{name}={v}")
    return out


def ref(v):
    if isinstance(v, dict) and "Ref" in v:
        return v["Ref"]
    if isinstance(v, str):
        return v
    return None


def oas_routes(api, kind, body, default_auth):
    for path, ops in (body.get("paths") or {}).items():
        if not isinstance(ops, dict):
            continue
        for m, op in ops.items():
            if not isinstance(op, dict):
                continue
            if m.lower() not in ("get", "post", "put", "patch", "delete", "head", "x-amazon-apigateway-any-method"):
                continue
            auth = default_auth
            if "sigv4" in json.dumps(op.get("security", "")).lower():
                auth = "AWS_IAM"
            method = "ANY" if m.startswith("x-") else m.upper()
            yield {"api": api, "kind": kind, "method": method, "path": path, "auth": auth}


def routes(t, tdir):
    rs = resources(t)
    glob_api = (t.get("Globals") or {}).get("Api") or {}
    default_auth = {}
    for lid, r in rs.items():
        if not isinstance(r, dict):
            continue
        typ, p = r.get("Type", ""), r.get("Properties") or {}
        if typ in ("AWS::Serverless::Api", "AWS::Serverless::HttpApi"):
            a = (p.get("Auth") or glob_api.get("Auth") or {}).get("DefaultAuthorizer")
            default_auth[lid] = a if isinstance(a, str) else "NONE"
    implicit = (glob_api.get("Auth") or {}).get("DefaultAuthorizer", "NONE")
    default_auth.setdefault("ServerlessRestApi", implicit if isinstance(implicit, str) else "NONE")
    default_auth.setdefault("ServerlessHttpApi", "NONE")
    out = []
    for lid, r in rs.items():
        if not isinstance(r, dict):
            continue
        typ, p = r.get("Type", ""), r.get("Properties") or {}
        if typ == "AWS::Serverless::Function":
            for e in (p.get("Events") or {}).values():
                if not isinstance(e, dict):
                    continue
                ep = e.get("Properties") or {}
                if e.get("Type") == "Api":
                    api = ref(ep.get("RestApiId")) or "ServerlessRestApi"
                    kind = "rest"
                elif e.get("Type") == "HttpApi":
                    api = ref(ep.get("ApiId")) or "ServerlessHttpApi"
                    kind = "http"
                else:
                    continue
                auth = (ep.get("Auth") or {}).get("Authorizer") or default_auth.get(api, "NONE")
                out.append({"api": api, "kind": kind, "method": str(ep.get("Method", "ANY")).upper(),
                            "path": str(ep.get("Path", "/")), "auth": auth if isinstance(auth, str) else "NONE"})
        elif typ in ("AWS::Serverless::Api", "AWS::Serverless::HttpApi"):
            kind = "rest" if typ.endswith("::Api") else "http"
            body = p.get("DefinitionBody")
            if isinstance(body, dict) and "Fn::Transform" in body:
                loc = ((body["Fn::Transform"].get("Parameters") or {}).get("Location"))
                body = loc if isinstance(loc, str) else None
            if isinstance(body, str) or isinstance(p.get("DefinitionUri"), str):
                f = os.path.join(tdir, body if isinstance(body, str) else p["DefinitionUri"])
                body = load(f) if os.path.isfile(f) else None
            if isinstance(body, dict):
                out.extend(oas_routes(lid, kind, body, default_auth.get(lid, "NONE")))
        elif typ == "AWS::ApiGateway::Method":
            api = ref(p.get("RestApiId"))
            parts, res = [], ref(p.get("ResourceId"))
            while res in rs:
                rp = rs[res].get("Properties") or {}
                parts.insert(0, str(rp.get("PathPart", "")))
                res = ref(rp.get("ParentId"))
            out.append({"api": api, "kind": "rest", "method": str(p.get("HttpMethod", "GET")).upper(),
                        "path": "/" + "/".join(parts), "auth": str(p.get("AuthorizationType", "NONE"))})
    seen, uniq = set(), []
    for r in out:
        k = (r["api"], r["method"], r["path"])
        if k not in seen and r["method"] != "OPTIONS":
            seen.add(k)
            uniq.append(r)
    return uniq


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd == "select-all":
        # One process for the whole corpus: pattern folders whose
        # template.yaml is selected, one name a line.
        for d in sorted(os.listdir(path)):
            t = os.path.join(path, d, "template.yaml")
            if os.path.isfile(t):
                try:
                    if select(load(t)):
                        print(d)
                except Exception:
                    pass
        return 0
    try:
        t = load(path)
    except Exception as e:  # a template PyYAML cannot read is reported, not counted
        print(f"yaml: {e}".replace("\n", " "), file=sys.stderr)
        return 2
    if cmd == "select":
        return 0 if select(t) else 1
    if cmd == "params":
        print("\n".join(params(t)))
    elif cmd == "routes":
        for r in routes(t, os.path.dirname(path)):
            print(json.dumps(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
