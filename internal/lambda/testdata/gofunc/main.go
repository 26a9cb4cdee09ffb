// Command gofunc is a test function for the provided.al2 and go1.x runtimes,
// built by the lambda package's tests with go build.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type request struct {
	Name string `json:"name"`
	Fail bool   `json:"fail"`
	Exit bool   `json:"exit"`
}

type response struct {
	Greeting  string `json:"greeting"`
	RequestID string `json:"requestId"`
	Function  string `json:"function"`
	PID       int    `json:"pid"`
}

func handle(ctx context.Context, req request) (response, error) {
	lc, _ := lambdacontext.FromContext(ctx)
	fmt.Println("hello from go", req.Name)
	switch {
	case req.Exit:
		os.Exit(3)
	case req.Fail:
		return response{}, errors.New("go handler failed")
	}
	return response{Greeting: "hello " + req.Name, RequestID: lc.AwsRequestID,
		Function: lambdacontext.FunctionName, PID: os.Getpid()}, nil
}

func main() { lambda.Start(handle) }
