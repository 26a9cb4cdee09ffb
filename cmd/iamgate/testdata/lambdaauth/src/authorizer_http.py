# An HTTP API Lambda authorizer: payload 2.0 events get simple responses,
# payload 1.0 events an IAM policy for the route.
calls = 0


def handler(event, context):
    global calls
    calls += 1
    if event.get("version") == "2.0":
        token = event["identitySource"][0]
        return {"isAuthorized": token == "letmein", "context": {"user": {"name": "alice"}, "calls": calls}}
    user = event["identitySource"]
    effect = "Allow" if user == "alice" else "Deny"
    return {
        "principalId": user,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": event["methodArn"]}],
        },
        "context": {"user": user},
    }
