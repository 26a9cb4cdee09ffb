import json


def handler(event, context):
    # Echo which resource was called and who API Gateway says called it.
    identity = event["requestContext"]["identity"]
    return {
        "statusCode": 200,
        "body": json.dumps({"path": event["resource"], "caller": identity.get("userArn")}),
    }
