package build

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// skip are folders a build never copies: tool state, and the build's own
// output when a function's code is the template's folder.
var skip = map[string]bool{".aws-sam": true, ".git": true, "__pycache__": true, ".iamgate": true, "node_modules": true}

// copyTree copies the regular files and folders under src to dst, keeping
// modes; symbolic links are not followed (a link could point anywhere on
// the machine, and the artifact is what gets uploaded).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			if p != src && skip[d.Name()] {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return copyFile(p, target, info.Mode().Perm())
	})
}

func copyFile(src, dst string, mode fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
