package server

import (
	"github.com/iamgate/iamgate/internal/lambda"
	"github.com/iamgate/iamgate/internal/stack"
)

// What Config's zero values mean, for the CLI to show as its flags'
// defaults: the CLI configures the server and reaches no further down
// (cli → server), while the packages that apply these values own them.
const (
	DefaultLambdaConcurrency     = lambda.DefaultAccountConcurrency
	DefaultLambdaIdleTimeout     = lambda.DefaultIdleTimeout
	DefaultCustomResourceTimeout = stack.DefaultCustomResourceTimeout
)
