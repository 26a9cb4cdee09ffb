package cli

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/iamgate/iamgate/internal/credfile"
)

func newEnv() *cobra.Command {
	var f clientFlags
	c := &cobra.Command{
		Use:   "env",
		Short: `Print export lines for the admin identity: eval "$(iamgate env)"`,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			id, secret, err := adminKey(f.dataDir)
			if err != nil {
				return err
			}
			w := c.OutOrStdout()
			fmt.Fprintf(w, "export AWS_ENDPOINT_URL=%s\n", shellQuote(f.endpointURL()))
			fmt.Fprintf(w, "export AWS_ACCESS_KEY_ID=%s\n", shellQuote(id))
			fmt.Fprintf(w, "export AWS_SECRET_ACCESS_KEY=%s\n", shellQuote(secret))
			fmt.Fprintf(w, "export AWS_REGION=%s\n", shellQuote(f.region))
			// aws CLI v1 reads AWS_DEFAULT_REGION; a stale session token or profile would override the keys.
			fmt.Fprintf(w, "export AWS_DEFAULT_REGION=%s\n", shellQuote(f.region))
			fmt.Fprintln(w, "unset AWS_SESSION_TOKEN AWS_PROFILE")
			return nil
		},
	}
	f.register(c)
	return c
}

// adminKey reads the admin credentials the server wrote in the data dir.
func adminKey(dataDir string) (id, secret string, err error) {
	path := filepath.Join(dataDir, "credentials")
	profiles, _, err := credfile.Read(path)
	if err != nil {
		return "", "", fmt.Errorf("no admin credentials in %s: start the server first (iamgate up or iamgate serve)", path)
	}
	p, ok := profiles["default"]
	if !ok || p[0] == "" || p[1] == "" {
		return "", "", fmt.Errorf("%s has no [default] profile: start the server first", path)
	}
	return p[0], p[1], nil
}

func shellQuote(s string) string {
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' || r == '/' || r == ':' || r == '+' || r == '=') {
			safe = false
			break
		}
	}
	if safe && s != "" {
		return s
	}
	out := "'"
	for _, r := range s {
		if r == '\'' {
			out += `'\''`
			continue
		}
		out += string(r)
	}
	return out + "'"
}
