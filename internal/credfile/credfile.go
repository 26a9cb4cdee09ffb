package credfile

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/iamgate/iamgate/internal/seal"
)

// Write sets one profile of an AWS shared-credentials file,
// keeping the others, and leaves the file mode 0600.
func Write(path, profile, id, secret string) error {
	profiles, order, err := Read(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	if p, ok := profiles[profile]; ok && p[0] == id && p[1] == secret {
		return os.Chmod(path, 0o600)
	}
	if _, ok := profiles[profile]; !ok {
		order = append(order, profile)
	}
	if profiles == nil {
		profiles = map[string][2]string{}
	}
	profiles[profile] = [2]string{id, secret}
	var b bytes.Buffer
	for _, name := range order {
		p := profiles[name]
		fmt.Fprintf(&b, "[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n\n", name, p[0], p[1])
	}
	return writeFile0600(path, b.Bytes())
}

// writeFile0600 creates path's directory (0700: it holds secrets) and
// replaces the file atomically.
func writeFile0600(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return seal.WriteFile0600(path, data)
}

// Read parses an AWS shared-credentials file into profile →
// (access key id, secret), with the profiles' order.
func Read(path string) (map[string][2]string, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	out := map[string][2]string{}
	var order []string
	cur := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' && line[len(line)-1] == ']' {
			cur = strings.TrimSpace(line[1 : len(line)-1])
			if _, ok := out[cur]; !ok {
				order = append(order, cur)
				out[cur] = [2]string{}
			}
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || cur == "" {
			continue
		}
		p := out[cur]
		switch strings.TrimSpace(k) {
		case "aws_access_key_id":
			p[0] = strings.TrimSpace(v)
		case "aws_secret_access_key":
			p[1] = strings.TrimSpace(v)
		}
		out[cur] = p
	}
	return out, order, sc.Err()
}
