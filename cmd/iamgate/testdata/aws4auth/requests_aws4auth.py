"""Test stand-in for requests-aws4auth, used only when the real library is
not installed (it is on PyPI alone, which this project's machines cannot
reach). The seed's sample.py imports it unchanged.

It signs the way requests-aws4auth 1.x does, which is what matters for the
test: SigV4 over host, x-amz-date and x-amz-content-sha256 (and
content-type when present), with the host taken from the URL's host name
WITHOUT its port. requests itself sends "Host: 127.0.0.1:4566" for a
non-default port, so the signature only matches on default ports: through
iamgate's proxy with the stack's real URL it does; against
https://127.0.0.1:4566 it does not.
"""
import datetime
import hashlib
import hmac
from urllib.parse import parse_qsl, quote, urlparse

import requests


class AWS4Auth(requests.auth.AuthBase):
    def __init__(self, access_id, secret_key, region, service):
        self.access_id = access_id
        self.secret_key = secret_key
        self.region = region
        self.service = service

    def __call__(self, r):
        amz_date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        day = amz_date[:8]
        url = urlparse(r.url)
        body = r.body or b""
        if isinstance(body, str):
            body = body.encode()
        payload = hashlib.sha256(body).hexdigest()
        r.headers["x-amz-date"] = amz_date
        r.headers["x-amz-content-sha256"] = payload
        signed = {"host": url.hostname, "x-amz-date": amz_date, "x-amz-content-sha256": payload}
        for k, v in r.headers.items():
            if k.lower() == "content-type":
                signed["content-type"] = v
        names = sorted(signed)
        canonical_headers = "".join("%s:%s\n" % (k, " ".join(str(signed[k]).split())) for k in names)
        query = "&".join(sorted("%s=%s" % (quote(k, safe="-_.~"), quote(v, safe="-_.~"))
                                for k, v in parse_qsl(url.query, keep_blank_values=True)))
        canonical = "\n".join([r.method.upper(), quote(url.path or "/", safe="/-_.~"), query,
                               canonical_headers, ";".join(names), payload])
        scope = "%s/%s/%s/aws4_request" % (day, self.region, self.service)
        to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                             hashlib.sha256(canonical.encode()).hexdigest()])
        key = ("AWS4" + self.secret_key).encode()
        for part in (day, self.region, self.service, "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        r.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
            self.access_id, scope, ";".join(names), signature)
        return r
