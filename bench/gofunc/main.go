// Command gofunc is bench/app's provided.al2023 function: the seed's answer
// (statusCode 200, body {"message": "hello world"}) from a Go handler built
// with aws-lambda-go, so the bench shows the gateway's cost without Python.
// bench/run.sh builds it as bench/app/hello_go/bootstrap.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func handle(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return events.APIGatewayProxyResponse{StatusCode: 200, Body: `{"message": "hello world"}`}, nil
}

func main() { lambda.Start(handle) }
