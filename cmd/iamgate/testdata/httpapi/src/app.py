import json


def handler(event, context):
    if event["rawPath"] == "/raw":
        # No statusCode: API Gateway infers a 200 application/json answer.
        return {"inferred": True}
    iam = event["requestContext"].get("authorizer", {}).get("iam", {})
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "cookies": ["seen=1"],
        "body": json.dumps({
            "version": event["version"],
            "routeKey": event["routeKey"],
            "rawPath": event["rawPath"],
            "pathParameters": event.get("pathParameters"),
            "caller": iam.get("userArn"),
        }),
    }
