package functions

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxUnzipped bounds extracted code, as Lambda's 250 MB unzipped limit does.
const maxUnzipped = 250 << 20

// extractZip writes the archive into dir, refusing entries that would land
// outside it.
func extractZip(data []byte, dir string) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("Could not unzip uploaded file. Please check your file, then try to upload again.")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var total int64
	for _, f := range zr.File {
		name := filepath.FromSlash(f.Name)
		if filepath.IsAbs(name) || strings.HasPrefix(filepath.Clean(name), "..") {
			return fmt.Errorf("zip entry %q escapes the code directory", f.Name)
		}
		target := filepath.Join(dir, name)
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return entryError(f.Name, err)
			}
			continue
		}
		total += int64(f.UncompressedSize64)
		if total > maxUnzipped {
			return fmt.Errorf("Unzipped size must be smaller than %d bytes", maxUnzipped)
		}
		if err := writeEntry(f, target); err != nil {
			return entryError(f.Name, err)
		}
	}
	return nil
}

// entryError names the zip entry an extraction failed on, not the path it
// was written to: the caller reads the message (InvalidParameterValueException),
// and the server's code directory is none of its business.
func entryError(name string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("zip entry %q: %s: %v", name, pe.Op, pe.Err)
	}
	return fmt.Errorf("zip entry %q: %v", name, err)
}

func writeEntry(f *zip.File, target string) error {
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	mode := f.Mode().Perm()
	if mode == 0 {
		mode = 0o644
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	// Never writable by others: environments link these files (package lambda).
	out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, (mode|0o400)&^0o022)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, io.LimitReader(rc, maxUnzipped)); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// ZipDir archives a directory the way `sam build`/`aws cloudformation
// package` do, keeping file modes so executables (bootstrap) stay executable.
func ZipDir(dir string) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "__pycache__" || d.Name() == ".aws-sam") {
			return filepath.SkipDir
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil || rel == "." || d.IsDir() || strings.HasSuffix(d.Name(), ".pyc") {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		hdr, err := zip.FileInfoHeader(info)
		if err != nil {
			return err
		}
		hdr.Name = filepath.ToSlash(rel)
		hdr.Method = zip.Deflate
		w, err := zw.CreateHeader(hdr)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
