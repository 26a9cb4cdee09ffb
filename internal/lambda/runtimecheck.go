package lambda

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// lambdaRuntimes is the Runtime enum of the Lambda API (botocore 1.43.11,
// data/lambda/2015-03-31/service-2.json, shape Runtime), in the model's
// order: Lambda lists it in that order when it refuses a value.
var lambdaRuntimes = []string{
	"nodejs", "nodejs4.3", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x",
	"nodejs16.x", "java8", "java8.al2", "java11", "python2.7", "python3.6", "python3.7", "python3.8",
	"python3.9", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet6",
	"dotnet8", "nodejs4.3-edge", "go1.x", "ruby2.5", "ruby2.7", "provided", "provided.al2",
	"nodejs18.x", "python3.10", "java17", "ruby3.2", "ruby3.3", "ruby3.4", "python3.11", "nodejs20.x",
	"provided.al2023", "python3.12", "java21", "python3.13", "nodejs22.x", "nodejs24.x", "python3.14",
	"java25", "dotnet10", "ruby4.0",
}

// ErrUnknownRuntime is a Runtime outside Lambda's enum; ErrInvalidRuntime
// one in it that iamgate does not run.
var ErrUnknownRuntime = errors.New("unknown runtime")

// CheckRuntime refuses, before anything is stored, a runtime that Lambda
// does not have (with the API's validation text, as in aws/aws-cli#3229:
// "1 validation error detected: Value 'g1.x' at 'runtime' failed to satisfy
// constraint: Member must satisfy enum value set: [...]") and one that
// iamgate cannot run (Java, .NET, Ruby), naming the ones it can.
func CheckRuntime(runtime string) error {
	if !slices.Contains(lambdaRuntimes, runtime) {
		return fmt.Errorf("%w: 1 validation error detected: Value '%s' at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [%s]",
			ErrUnknownRuntime, runtime, strings.Join(lambdaRuntimes, ", "))
	}
	if _, err := runtimeKindOf(runtime); err != nil {
		return fmt.Errorf("%w: iamgate does not run the %s runtime; it runs python3.x, nodejs*, provided, provided.al2, provided.al2023 and go1.x functions",
			ErrInvalidRuntime, runtime)
	}
	return nil
}
