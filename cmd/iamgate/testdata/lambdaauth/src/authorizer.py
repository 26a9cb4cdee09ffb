# A Lambda authorizer in the shape of AWS's blueprints: TOKEN events decide
# by the bearer token, REQUEST events by the X-User header and the tenant
# query string parameter.
calls = 0


def policy(principal, effect, resource, context=None):
    out = {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
        },
    }
    if context is not None:
        out["context"] = context
    return out


def handler(event, context):
    global calls
    calls += 1
    arn = event["methodArn"]
    api = arn.split("/")[0]
    if event["type"] == "REQUEST":
        user = event["headers"].get("X-User") or event["headers"].get("x-user")
        tenant = event["queryStringParameters"]["tenant"]
        effect = "Allow" if user == "alice" else "Deny"
        return policy(user, effect, arn, {"tenant": tenant, "calls": calls})
    token = event["authorizationToken"].split(" ", 1)[1]
    if token == "allow":
        return policy("user-" + token, "Allow", api + "/*/GET/pets/*", {"user": "alice", "n": 7, "admin": False, "calls": calls})
    if token == "deny":
        return policy("user-deny", "Deny", arn)
    if token == "elsewhere":
        return policy("user-elsewhere", "Allow", api + "/*/POST/*")
    if token == "unauthorized":
        raise Exception("Unauthorized")
    if token == "nested":
        return policy("u", "Allow", arn, {"user": {"name": "alice"}})
    raise Exception("boom")
