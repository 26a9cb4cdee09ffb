package cli

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/spf13/cobra"
)

// `iamgate invoke FUNCTION [--event FILE]` runs a deployed function once,
// as `sam local invoke` does a template's: the event from a file (or stdin
// with "-", else {}), the function's response on stdout, its log tail on
// stderr. It calls the running server's Lambda Invoke (RequestResponse,
// LogType Tail) with the admin key, so the function runs exactly as the
// API would run it, with its role's credentials.

type invokeFlags struct {
	clientFlags
	event     string
	stackName string
	qualifier string
}

func newInvoke() *cobra.Command {
	var f invokeFlags
	c := &cobra.Command{
		Use:   "invoke FUNCTION [--event FILE]",
		Short: "Invoke a deployed function once, as sam local invoke does (FUNCTION: a name, an ARN, or with --stack-name a logical id)",
		Long: `Invoke a deployed function once and print its response; its log tail goes to stderr.
FUNCTION is a function name or ARN or, with --stack-name, the function's logical id in the
template (HelloWorldFunction). The event is read from --event FILE ("-" for stdin), else {}.
The exit status is 1 when the function fails (the response is the error it returned).`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			ctx := c.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			return f.run(ctx, args[0], c.InOrStdin(), c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	f.register(c)
	c.Flags().StringVarP(&f.event, "event", "e", "", `file holding the event (JSON); "-" reads stdin; default {}`)
	c.Flags().StringVar(&f.stackName, "stack-name", "", "the stack in which FUNCTION is a logical id")
	c.Flags().StringVar(&f.qualifier, "qualifier", "", "version or alias to invoke")
	return c
}

func (f *invokeFlags) run(ctx context.Context, name string, stdin io.Reader, stdout, stderr io.Writer) error {
	payload, err := readEvent(f.event, stdin)
	if err != nil {
		return err
	}
	cfg, err := f.awsConfig()
	if err != nil {
		return err
	}
	if f.stackName != "" {
		if name, err = physicalFunction(ctx, cloudformation.NewFromConfig(cfg), f.stackName, name); err != nil {
			return err
		}
	}
	in := &lambda.InvokeInput{FunctionName: aws.String(name), Payload: payload, LogType: lambdatypes.LogTypeTail}
	if f.qualifier != "" {
		in.Qualifier = aws.String(f.qualifier)
	}
	out, err := lambda.NewFromConfig(cfg).Invoke(ctx, in)
	if hasCode(err, "ResourceNotFoundException") && f.stackName == "" {
		return fmt.Errorf("%w (if %s is a logical id in a template, pass --stack-name)", err, name)
	}
	if err != nil {
		return err
	}
	if tail, err := base64.StdEncoding.DecodeString(aws.ToString(out.LogResult)); err == nil && len(tail) > 0 {
		stderr.Write(tail)
	}
	stdout.Write(out.Payload)
	fmt.Fprintln(stdout)
	if fe := aws.ToString(out.FunctionError); fe != "" {
		fmt.Fprintf(stderr, "function error: %s\n", fe)
		return exitError{code: 1}
	}
	return nil
}

// readEvent reads the event to send: a file, stdin for "-", else {}.
func readEvent(path string, stdin io.Reader) ([]byte, error) {
	switch path {
	case "":
		return []byte("{}"), nil
	case "-":
		return io.ReadAll(io.LimitReader(stdin, 6<<20))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--event: %w", err)
	}
	return b, nil
}

// physicalFunction is the function name of a function's logical id.
func physicalFunction(ctx context.Context, api stackResources, stack, logicalID string) (string, error) {
	typ, phys, err := stackResource(ctx, api, stack, logicalID)
	if err != nil {
		return "", err
	}
	switch typ {
	case "AWS::Lambda::Function", "AWS::Serverless::Function":
		return phys, nil
	default:
		return "", fmt.Errorf("%s in stack %s is an %s, not a function", logicalID, stack, typ)
	}
}
