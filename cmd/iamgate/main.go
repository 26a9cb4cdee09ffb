// Command iamgate runs AWS serverless applications locally with IAM switched on.
package main

import (
	"os"

	"github.com/iamgate/iamgate/internal/cli"
)

func main() { os.Exit(main1()) }

// main1 is main without the exit, so testscript can run the binary in-process.
func main1() int { return cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr) }
