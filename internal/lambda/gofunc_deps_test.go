package lambda

// testdata/gofunc is built by go_test.go with `go build`; go mod tidy does not
// look under testdata, so this import keeps aws-lambda-go in go.mod.
import (
	_ "github.com/aws/aws-lambda-go/lambda"
	_ "github.com/aws/aws-lambda-go/lambdacontext"
)
