import json
import os

CODE = "one"


def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({
        "code": CODE,
        "version": os.environ["AWS_LAMBDA_FUNCTION_VERSION"],
        "arn": context.invoked_function_arn,
    }, sort_keys=True)}
